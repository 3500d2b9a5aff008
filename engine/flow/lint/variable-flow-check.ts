/**
 * Variables read before anything defines them — path-sensitively.
 *
 * A forward "must be defined" dataflow over the stage graph (stage-graph.ts).
 * Defined when the call starts: `call.*`, everything in `context.initial`, the
 * `required` properties of `context.schema`, then what `onStart` actions set
 * and assign (tools counted as succeeding). Along the way: a stage's `onEnter`
 * actions (and its groups'), a transition's `set`, the non-optional `collect`
 * of the intent taken, a tool's `assign` on its `on: <tool>.done` edge — but
 * not an `onEnter` tool's `assign` on that tool's own `.error` edge.
 *
 * For every variable a template or expression reads, where it is evaluated:
 * - defined on every path there: fine;
 * - defined on some paths but not all: a warning that names a path where it
 *   is missing (`greeting → reassure → gather`), unless the read handles a
 *   missing value itself (`{{default x …}}`, `{{#if x}}`, `$exists(x)`);
 * - defined on no path and not declared in `context.schema`: an error.
 *   (Declared but never set: the call supplies it when it starts.)
 *
 * The facts are the distinct paths read; states are bitsets over them. Both
 * analyses (must: intersection, may: union) are worklist fixpoints whose meet
 * allocates nothing; what each edge defines is computed once. A path is named
 * by a breadth-first search per variable, only for variables that need one.
 */
import { describePointer } from './describe-pointer.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { Bitset } from './bitset.js';
import type { ExpressionSite, FlowSites, SiteOwner, TemplateSite, WriteSite } from './flow-sites.js';
import { entriesOf, isObject, isString, type LintContext } from './lint-context.js';
import { schemaAtPath } from './schema-path.js';
import type { StageEdge, StageGraph } from './stage-graph.js';
import { isFinal } from './stage-graph.js';
import { ancestorPaths, rootOf } from './variable-paths.js';

/** The call's own facts, always defined. */
export const CALL_FIELDS = ['id', 'from', 'to', 'direction', 'parameters', 'startedAt'] as const;

type Site = ExpressionSite | TemplateSite;

interface Read {
  path: string;
  fact: number;
  /** The site handles a missing value itself: no "may be empty" warning. */
  guarded: boolean;
  /** Offset in the string, or line/column for templates. */
  offset?: number;
  line?: number;
  column?: number;
}

/** Where a site is evaluated. */
type Place =
  | { kind: 'body'; leaf: string }
  | { kind: 'transition'; leaf: string }
  | { kind: 'action'; leaf: string; stage: string; index: number }
  | { kind: 'start'; index: number }
  | { kind: 'end' }
  | { kind: 'anywhere' };

type Mode = 'must' | 'may';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function checkVariableFlow(context: LintContext, graph: StageGraph): void {
  const { model, flow, sites } = context;
  const contextSchema = isObject(flow.context) && isObject(flow.context.schema) ? flow.context.schema : undefined;

  // --- Reads, per site; `call.*` is checked by name, the rest by flow --------------
  const factIndex = new Map<string, number>();
  const readsOf = new Map<Site, Read[]>();
  const reportRead = (code: 'FLOW_UNDEFINED_VARIABLE' | 'FLOW_MAYBE_UNDEFINED_VARIABLE', site: Site, read: Pick<Read, 'offset' | 'line' | 'column'>, message: string, hint: string | undefined) => {
    const position =
      read.line !== undefined ? context.positions?.positionInStringAt(site.pointer, read.line, read.column!) : context.positions?.positionInString(site.pointer, read.offset ?? 0);
    context.report(code, site.pointer, message, { hint, position });
  };
  const addRead = (site: Site, path: string, guarded: boolean, where: Pick<Read, 'offset' | 'line' | 'column'>) => {
    if (rootOf(path) === 'call') {
      const field = path.split('.')[1];
      if (field !== undefined && !(CALL_FIELDS as readonly string[]).includes(field)) {
        reportRead('FLOW_UNDEFINED_VARIABLE', site, where, `\`${path}\` is not one of the call's facts (${describePointer(site.pointer)}).`, didYouMean(field, CALL_FIELDS) ?? `\`call\` has ${listNames([...CALL_FIELDS])}; custom values arrive in \`call.parameters\`.`);
      }
      return;
    }
    let fact = factIndex.get(path);
    if (fact === undefined) factIndex.set(path, (fact = factIndex.size));
    let list = readsOf.get(site);
    if (!list) readsOf.set(site, (list = []));
    const read: Read = { path, fact, guarded };
    if (where.offset !== undefined) read.offset = where.offset;
    if (where.line !== undefined) read.line = where.line;
    if (where.column !== undefined) read.column = where.column;
    list.push(read);
  };
  for (const site of sites.expressions) {
    if ('jsonataCode' in site.parsed) continue;
    for (const path of site.parsed.paths) {
      const at = site.source.indexOf(path);
      const guarded = site.source.includes('$exists') && new RegExp(`\\$exists\\(\\s*${escapeRegExp(path)}\\s*\\)`).test(site.source);
      addRead(site, path, guarded, { offset: at >= 0 ? at : Math.max(0, site.source.indexOf(rootOf(path))) });
    }
  }
  for (const site of sites.templates) {
    if ('kind' in site.parsed) continue;
    for (const read of site.parsed.paths) addRead(site, read.path, read.guarded, { line: read.line, column: read.column });
  }
  if (factIndex.size === 0) return;
  const size = factIndex.size;

  // --- Definitions → facts ------------------------------------------------------------
  const descendants = new Map<string, number[]>();
  for (const [path, index] of factIndex) {
    for (const ancestor of ancestorPaths(path)) {
      let list = descendants.get(ancestor);
      if (!list) descendants.set(ancestor, (list = []));
      list.push(index);
    }
  }
  /** Facts a definition of `path` covers: itself, its ancestors (they now exist) and, when its content is unknown (opaque), everything below it. */
  const cover = (into: Bitset, path: string, opaque: boolean) => {
    const own = factIndex.get(path);
    if (own !== undefined) into.add(own);
    for (const ancestor of ancestorPaths(path)) {
      const index = factIndex.get(ancestor);
      if (index !== undefined) into.add(index);
    }
    if (opaque) for (const index of descendants.get(path) ?? []) into.add(index);
  };
  const coverWrites = (into: Bitset, writes: readonly WriteSite[]) => {
    for (const write of writes) if (write.via !== 'collect' || !write.optional) cover(into, write.path, true);
  };

  const assignsOf = new Map<string, Bitset>();
  for (const write of sites.writes) {
    if (write.via !== 'assign' || write.owner.type !== 'tool') continue;
    let bits = assignsOf.get(write.owner.tool);
    if (!bits) assignsOf.set(write.owner.tool, (bits = new Bitset(size)));
    cover(bits, write.path, true);
  }
  const actionGens = new Map<unknown, Bitset>();
  const actionGen = (action: ReturnType<FlowSites['actionsOf']>[number]): Bitset => {
    let bits = actionGens.get(action);
    if (!bits) {
      bits = new Bitset(size);
      coverWrites(bits, action.writes);
      if (action.run) {
        const assigned = assignsOf.get(action.run.tool);
        if (assigned) bits.orInPlace(assigned);
      }
      actionGens.set(action, bits);
    }
    return bits;
  };

  // --- Start state ------------------------------------------------------------------------
  const startBase = new Bitset(size);
  const initial = isObject(flow.context) ? flow.context.initial : undefined;
  const coverValue = (path: string, value: unknown) => {
    // Known objects are walked (reading a key they lack is not covered); other values are opaque.
    if (isObject(value)) {
      cover(startBase, path, false);
      for (const [key, inner] of Object.entries(value)) coverValue(`${path}.${key}`, inner);
    } else cover(startBase, path, true);
  };
  for (const [key, value] of entriesOf(initial)) coverValue(key, value);
  const coverRequired = (schema: unknown, prefix: string) => {
    if (!isObject(schema)) return;
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? schema.required.filter(isString) : []) {
      const path = prefix ? `${prefix}.${name}` : name;
      const sub = properties[name];
      if (isObject(sub) && isObject(sub.properties)) {
        cover(startBase, path, false);
        coverRequired(sub, path);
      } else cover(startBase, path, true);
    }
  };
  coverRequired(contextSchema, '');
  const startBefore: Bitset[] = [];
  let startState = startBase.clone();
  for (const action of sites.actionsOf('onStart')) {
    startBefore.push(startState.clone());
    startState = startState.union(actionGen(action));
  }

  // --- What entering a stage and taking an edge define ----------------------------------------
  const EMPTY = new Bitset(size);
  const entryGenCache = new Map<string, Bitset>();
  /**
   * Defined by the onEnter actions of a stage and its groups (outermost
   * first); `except` a tool whose run failed. A stage without onEnter of its
   * own shares its group's set (most stages), so this costs one set per group.
   */
  const entryGen = (stage: string, except?: string): Bitset => {
    const key = except === undefined ? stage : `${stage}\u0000${except}`;
    let bits = entryGenCache.get(key);
    if (!bits) {
      const parent = model.stages.get(stage)?.parent ?? null;
      const inherited = parent !== null ? entryGen(parent, except) : EMPTY;
      const own = sites.actionsOf('onEnter', stage).filter((action) => except === undefined || action.run?.tool !== except);
      if (own.length === 0) bits = inherited;
      else {
        bits = inherited.clone();
        for (const action of own) bits.orInPlace(actionGen(action));
      }
      entryGenCache.set(key, bits);
    }
    return bits;
  };
  const writesByTransition = new Map<string, WriteSite[]>();
  for (const write of sites.writes) {
    if (write.owner.type !== 'transition') continue;
    const pointer = write.owner.transition.pointer;
    let list = writesByTransition.get(pointer);
    if (!list) writesByTransition.set(pointer, (list = []));
    list.push(write);
  }
  const toolOf = (on: unknown, suffix: '.done' | '.error') => (isString(on) && on.endsWith(suffix) ? on.slice(0, -suffix.length) : undefined);
  const transitionGenCache = new Map<string, Bitset | null>();
  /** What taking a transition defines: its `set`, the intent's required `collect`, a finished tool's `assign` (null: nothing). */
  const transitionGen = (transition: NonNullable<StageEdge['transition']>): Bitset | null => {
    let bits = transitionGenCache.get(transition.pointer);
    if (bits === undefined) {
      const writes = writesByTransition.get(transition.pointer) ?? [];
      const done = toolOf(transition.transition.on, '.done');
      const assigned = done ? assignsOf.get(done) : undefined;
      if (writes.length === 0 && !assigned) bits = null;
      else {
        bits = new Bitset(size);
        coverWrites(bits, writes);
        if (assigned) bits.orInPlace(assigned);
      }
      transitionGenCache.set(transition.pointer, bits);
    }
    return bits;
  };
  /** What leaving a stage along an edge adds to the state it was entered with: its entry actions (minus a failed tool's assign) and what the transition defines. Shared, not copied, when the edge adds nothing of its own. Asked once per edge. */
  const produced = (edge: StageEdge): Bitset => {
    const transition = edge.transition;
    const entry = entryGen(edge.from, transition ? toolOf(transition.transition.on, '.error') : undefined);
    const gen = transition ? transitionGen(transition) : null;
    return gen ? entry.union(gen) : entry;
  };

  // --- The two analyses ------------------------------------------------------------------------
  // Stages as numbers, edges as arrays with what each defines: the fixpoints and path searches touch nothing else.
  const leafIndex = new Map(graph.leaves.map((leaf, i) => [leaf.name, i]));
  const adjacency = graph.leaves.map((leaf) => graph.edgesFrom(leaf.name).map((edge) => ({ to: leafIndex.get(edge.to)!, produced: produced(edge) })));
  const entryIndex = graph.entry !== undefined ? leafIndex.get(graph.entry) : undefined;

  const solve = (mode: Mode): Array<Bitset | undefined> => {
    const states: Array<Bitset | undefined> = new Array(graph.leaves.length);
    if (entryIndex === undefined) return states;
    states[entryIndex] = startState.clone();
    const queue: number[] = [entryIndex];
    const queued = new Uint8Array(graph.leaves.length);
    queued[entryIndex] = 1;
    for (let head = 0; head < queue.length; head++) {
      const from = queue[head]!;
      queued[from] = 0;
      const state = states[from]!;
      const edges = adjacency[from]!;
      for (let e = 0; e < edges.length; e++) {
        const edge = edges[e]!;
        const current = states[edge.to];
        let changed: boolean;
        if (!current) {
          states[edge.to] = state.union(edge.produced);
          changed = true;
        } else changed = mode === 'must' ? current.andUnionInPlace(state, edge.produced) : current.orUnionInPlace(state, edge.produced);
        if (changed && !queued[edge.to]) {
          queued[edge.to] = 1;
          queue.push(edge.to);
        }
      }
    }
    return states;
  };
  const solvedStates = { must: solve('must'), may: solve('may') };
  const solved = {
    must: { get: (leaf: string) => solvedStates.must[leafIndex.get(leaf) ?? -1], has: (leaf: string) => solvedStates.must[leafIndex.get(leaf) ?? -1] !== undefined },
    may: { get: (leaf: string) => solvedStates.may[leafIndex.get(leaf) ?? -1] },
  };

  // Everything defined anywhere: for sites evaluated only in unreachable stages (no path to judge).
  const everywhere = startState.clone();
  for (const write of sites.writes) if (write.via !== 'collect' || !write.optional) cover(everywhere, write.path, true);
  for (const bits of assignsOf.values()) everywhere.orInPlace(bits);

  const bodyCache = { must: new Map<string, Bitset>(), may: new Map<string, Bitset>() };
  /** The state while the call is in a stage (after its entry actions). */
  const body = (leaf: string, mode: Mode): Bitset | undefined => {
    let bits = bodyCache[mode].get(leaf);
    if (!bits) {
      const state = solved[mode].get(leaf);
      if (!state) return undefined;
      bodyCache[mode].set(leaf, (bits = state.union(entryGen(leaf))));
    }
    return bits;
  };
  let atEnd: Bitset | undefined;
  /** After the call: anything defined on some path into some stage. */
  const endState = () => {
    if (!atEnd) {
      atEnd = startState.clone();
      for (const leaf of graph.leaves) {
        const state = body(leaf.name, 'may');
        if (state) atEnd.orInPlace(state);
      }
    }
    return atEnd;
  };

  // --- Where each site is evaluated -------------------------------------------------------------
  const reachable = (leaf: string) => solved.must.has(leaf);
  const actionPlaces = (owner: Extract<SiteOwner, { type: 'action' }>): Place[] => {
    if (owner.list === 'onStart') return [{ kind: 'start', index: owner.index }];
    if (owner.list === 'onEnd') return [{ kind: 'end' }];
    return model.leavesUnder(owner.stage!).filter(reachable).map((leaf) => ({ kind: 'action', leaf, stage: owner.stage!, index: owner.index }));
  };
  const placesOf = (site: Site): Place[] => {
    const owner = site.owner;
    switch (owner.type) {
      case 'agent':
        return graph.leaves.filter((leaf) => reachable(leaf.name) && graph.talks(leaf.name)).map((leaf) => ({ kind: 'body', leaf: leaf.name }));
      case 'stage':
        return model.leavesUnder(owner.stage).filter(reachable).map((leaf) => ({ kind: 'body', leaf }));
      case 'tool': {
        const places: Place[] = model
          .stagesOffering(owner.tool)
          .filter((leaf) => reachable(leaf) && graph.talks(leaf))
          .map((leaf) => ({ kind: 'body', leaf }));
        for (const run of sites.runs) if (run.tool === owner.tool) places.push(...actionPlaces(run.owner));
        return places;
      }
      case 'action':
        return actionPlaces(owner);
      case 'transition': {
        const source = owner.transition.source;
        const leaves = source === null ? graph.leaves.map((leaf) => leaf.name).filter((leaf) => model.acceptsGlobal(leaf)) : model.leavesUnder(source);
        return leaves.filter((leaf) => reachable(leaf) && !isFinal(model.stages.get(leaf))).map((leaf) => ({ kind: 'transition', leaf }));
      }
      case 'outcome':
        return [{ kind: 'end' }];
    }
  };

  /** The state where a site is evaluated, for one analysis; undefined when there is no such state (no path judges it). */
  const stateAt = (site: Site, place: Place, mode: Mode): Bitset | undefined => {
    switch (place.kind) {
      case 'start':
        return startBefore[place.index] ?? startState;
      case 'end':
        return mode === 'may' ? endState() : undefined;
      case 'anywhere':
        return mode === 'may' ? everywhere : undefined;
      case 'body':
        return body(place.leaf, mode);
      case 'transition': {
        const transition = (site.owner as Extract<SiteOwner, { type: 'transition' }>).transition;
        const on = transition.transition.on;
        const isSet = site.kind === 'expression' && site.role === 'transition-set';
        // Most conditions see exactly the stage's state: no copy.
        if (!isSet && !isString(on)) return body(place.leaf, mode);
        const out = solved[mode].get(place.leaf)!.union(entryGen(place.leaf, toolOf(on, '.error')));
        const done = toolOf(on, '.done');
        if (done && assignsOf.has(done)) out.orInPlace(assignsOf.get(done)!);
        // A transition's `set` is evaluated after the intent's values are stored.
        if (isSet) coverWrites(out, (writesByTransition.get(transition.pointer) ?? []).filter((write) => write.via === 'collect'));
        return out;
      }
      case 'action': {
        const out = solved[mode].get(place.leaf)!.clone();
        // Groups' onEnter run first (outermost first), then the stage's own, in order.
        for (const stage of [...model.ancestors(place.leaf)].reverse().concat(place.leaf)) {
          const actions = sites.actionsOf('onEnter', stage);
          const until = stage === place.stage ? place.index : actions.length;
          for (let i = 0; i < until; i++) out.orInPlace(actionGen(actions[i]!));
          if (stage === place.stage) break;
        }
        return out;
      }
    }
  };

  // --- Naming a path, explaining an error -----------------------------------------------------
  /** Shortest chain of stages from the first stage to `target` along which `fact` stays undefined (breadth-first, stopping there). */
  // One parent array and one queue for every search (a flow with many warnings searches once per warning).
  const parents = new Int32Array(graph.leaves.length);
  const queue = new Int32Array(graph.leaves.length);
  const witness = (fact: number, target: string): string | undefined => {
    const end = leafIndex.get(target);
    if (entryIndex === undefined || end === undefined || startState.has(fact)) return undefined;
    // -2: not reached; -1: the start.
    parents.fill(-2);
    parents[entryIndex] = -1;
    queue[0] = entryIndex;
    let tail = 1;
    for (let head = 0; head < tail && parents[end] === -2; head++) {
      const from = queue[head]!;
      // Indexed, not for-of: this loop runs once per edge per warning, and V8 left an iterator object per step here.
      const edges = adjacency[from]!;
      for (let e = 0; e < edges.length; e++) {
        const edge = edges[e]!;
        if (parents[edge.to] !== -2 || edge.produced.has(fact)) continue;
        parents[edge.to] = from;
        queue[tail++] = edge.to;
      }
    }
    if (parents[end] === -2) return undefined;
    // A long path is named by its ends: where it starts, and the last stages before the read.
    // Only those names are collected (walking back from the read); a path can be a thousand stages long.
    let length = 0;
    for (let at = end; at >= 0; at = parents[at]!) length++;
    const named: string[] = [];
    let step = 0;
    for (let at = end; at >= 0; at = parents[at]!, step++) if (length <= 8 || step < 3 || step >= length - 3) named.push(graph.leaves[at]!.name);
    named.reverse();
    return (length > 8 ? [...named.slice(0, 3), `… (${length - 6} more) …`, ...named.slice(3)] : named).join(' → ');
  };
  const declaredCache = new Map<string, boolean>();
  const isDeclared = (path: string): boolean => {
    let declared = declaredCache.get(path);
    if (declared === undefined) {
      const found = schemaAtPath(contextSchema, path.split('.'));
      declared = found.found || (!found.closed && found.depth >= 1);
      declaredCache.set(path, declared);
    }
    return declared;
  };
  const knownNames = (): string[] => {
    const names = new Set<string>();
    for (const write of sites.writes) names.add(write.path);
    for (const [key] of entriesOf(initial)) names.add(key);
    if (contextSchema && isObject(contextSchema.properties)) for (const key of Object.keys(contextSchema.properties)) names.add(key);
    return [...names];
  };
  const writersOf = (path: string): string[] => {
    const writers = new Set<string>();
    for (const write of sites.writes) {
      if (!(write.path === path || path.startsWith(`${write.path}.`) || write.path.startsWith(`${path}.`))) continue;
      const owner = write.owner;
      writers.add(
        owner.type === 'tool'
          ? `tool \`${owner.tool}\``
          : owner.type === 'transition'
            ? owner.transition.source === null
              ? 'a global transition'
              : `a transition of stage \`${owner.transition.source}\``
            : owner.type === 'action'
              ? owner.stage
                ? `the onEnter of stage \`${owner.stage}\``
                : `\`${owner.list}\``
              : 'the flow',
      );
    }
    return [...writers];
  };

  // --- Judge every read, site by site ------------------------------------------------------------
  for (const [site, reads] of readsOf) {
    let places = placesOf(site);
    if (places.length === 0) places = [{ kind: 'anywhere' }];
    // Per read, by its index in `reads`: the first place it is missing at, and whether some path defines it.
    const missingAt: Array<Place | undefined> = new Array(reads.length);
    const definedSomewhere: boolean[] = new Array(reads.length).fill(false);
    for (let p = 0; p < places.length; p++) {
      const place = places[p]!;
      const must = stateAt(site, place, 'must');
      const may = stateAt(site, place, 'may');
      for (let r = 0; r < reads.length; r++) {
        const fact = reads[r]!.fact;
        if (may?.has(fact)) definedSomewhere[r] = true;
        const missing = place.kind === 'end' ? !may?.has(fact) : must !== undefined && !must.has(fact);
        if (missing && missingAt[r] === undefined) missingAt[r] = place;
      }
    }
    for (let r = 0; r < reads.length; r++) {
      const read = reads[r]!;
      const place = missingAt[r];
      if (!definedSomewhere[r]) {
        if (isDeclared(read.path)) continue;
        const writers = writersOf(read.path);
        const where = place && 'leaf' in place ? `no path into stage \`${place.leaf}\` sets it` : place?.kind === 'start' ? 'nothing sets it before this `onStart` action' : 'nothing in the flow sets it';
        reportRead(
          'FLOW_UNDEFINED_VARIABLE',
          site,
          read,
          `\`${read.path}\` is read in ${describePointer(site.pointer)}, but nothing defines it: ${where}, and \`context.schema\` does not declare it.`,
          didYouMean(read.path, knownNames()) ??
            (writers.length
              ? `It is set by ${writers.join(', ')}, but no path into this stage passes there first.`
              : 'Give it a value (`context.initial`, a `collect`, a `set`, a tool `assign`), declare it in `context.schema` if calls start with it, or fix the name.'),
        );
        continue;
      }
      if (!place || !('leaf' in place) || read.guarded) continue;
      const path = witness(read.fact, place.leaf);
      reportRead(
        'FLOW_MAYBE_UNDEFINED_VARIABLE',
        site,
        read,
        `\`${read.path}\` may be empty in stage \`${place.leaf}\` (${describePointer(site.pointer)}): ${path ? `it is not set on the path ${path}` : 'it is not set on every path into the stage'}.`,
        `Set it on that path too, give it a starting value in \`context.initial\`${contextSchema ? ', mark it `required` in `context.schema` if every call starts with it' : ''}, or guard it (\`{{default …}}\`, \`$exists(…)\`).`,
      );
    }
  }
}
