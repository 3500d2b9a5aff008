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
 *   is missing (`greeting → reassure → gather`);
 * - defined on no path and not declared in `context.schema`: an error.
 *   (Declared but never set: the call supplies it when it starts.)
 *
 * Both analyses are bitset fixpoints over the graph — linear in stages ×
 * variables / 32 per pass — and a breadth-first search per variable to name a
 * path, run only for variables that need one.
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

interface Read {
  path: string;
  /** The site handles a missing value itself (`{{default x …}}`, `{{#if x}}`, `$exists(x)`): no "may be empty" warning. */
  guarded: boolean;
  site: ExpressionSite | TemplateSite;
  /** Offset in the string, or line/column for templates. */
  offset?: number;
  line?: number;
  column?: number;
}

/** Where a site is evaluated. */
type Place =
  | { kind: 'body'; leaf: string }
  | { kind: 'transition'; leaf: string; site: ExpressionSite }
  | { kind: 'action'; leaf: string; stage: string; index: number }
  | { kind: 'start'; index: number }
  | { kind: 'end' }
  | { kind: 'anywhere' };

export function checkVariableFlow(context: LintContext, graph: StageGraph): void {
  const { model, flow, sites } = context;
  const contextSchema = isObject(flow.context) && isObject(flow.context.schema) ? flow.context.schema : undefined;

  // --- Reads -----------------------------------------------------------------
  const reads: Read[] = [];
  for (const site of sites.expressions) {
    if ('jsonataCode' in site.parsed) continue;
    for (const path of site.parsed.paths) {
      const at = site.source.indexOf(path);
      const guarded = new RegExp(`\\$exists\\(\\s*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\)`).test(site.source);
      reads.push({ path, guarded, site, offset: at >= 0 ? at : Math.max(0, site.source.indexOf(rootOf(path))) });
    }
  }
  for (const site of sites.templates) {
    if ('kind' in site.parsed) continue;
    for (const read of site.parsed.paths) reads.push({ path: read.path, guarded: read.guarded, site, line: read.line, column: read.column });
  }

  const report = (code: 'FLOW_UNDEFINED_VARIABLE' | 'FLOW_MAYBE_UNDEFINED_VARIABLE', read: Read, message: string, hint: string | undefined) => {
    const position =
      read.line !== undefined
        ? context.positions?.positionInStringAt(read.site.pointer, read.line, read.column!)
        : context.positions?.positionInString(read.site.pointer, read.offset ?? 0);
    context.report(code, read.site.pointer, message, { hint, position });
  };

  // `call.*` is checked by name, not by flow.
  const contextReads: Read[] = [];
  for (const read of reads) {
    if (rootOf(read.path) !== 'call') {
      contextReads.push(read);
      continue;
    }
    const field = read.path.split('.')[1];
    if (field === undefined || (CALL_FIELDS as readonly string[]).includes(field)) continue;
    report('FLOW_UNDEFINED_VARIABLE', read, `\`${read.path}\` is not one of the call's facts (${describePointer(read.site.pointer)}).`, didYouMean(field, CALL_FIELDS) ?? `\`call\` has ${listNames([...CALL_FIELDS])}; custom values arrive in \`call.parameters\`.`);
  }
  if (contextReads.length === 0) return;

  // --- Facts: the distinct paths read; a definition sets every fact it covers --
  const factIndex = new Map<string, number>();
  for (const read of contextReads) if (!factIndex.has(read.path)) factIndex.set(read.path, factIndex.size);
  const size = factIndex.size;
  const descendants = new Map<string, number[]>();
  for (const [path, index] of factIndex) for (const ancestor of ancestorPaths(path)) descendants.set(ancestor, [...(descendants.get(ancestor) ?? []), index]);

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

  // Tool assigns, by tool.
  const assignsOf = new Map<string, Bitset>();
  for (const write of sites.writes) {
    if (write.via !== 'assign' || write.owner.type !== 'tool') continue;
    const bits = assignsOf.get(write.owner.tool) ?? new Bitset(size);
    cover(bits, write.path, true);
    assignsOf.set(write.owner.tool, bits);
  }
  const actionGen = (action: ReturnType<FlowSites['actionsOf']>[number]): Bitset => {
    const bits = new Bitset(size);
    coverWrites(bits, action.writes);
    if (action.run) {
      const assigned = assignsOf.get(action.run.tool);
      if (assigned) bits.orInPlace(assigned);
    }
    return bits;
  };

  // --- Start state -------------------------------------------------------------
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
  const startActions = sites.actionsOf('onStart');
  const startBefore: Bitset[] = [];
  let startState = startBase.clone();
  for (const action of startActions) {
    startBefore.push(startState.clone());
    startState = startState.union(actionGen(action));
  }

  // --- Stage entry and edges -----------------------------------------------------
  interface EntryPart {
    tool?: string;
    bits: Bitset;
  }
  const entryParts = new Map<string, EntryPart[]>();
  const partsOf = (leaf: string): EntryPart[] => {
    let parts = entryParts.get(leaf);
    if (!parts) {
      const chain = [...model.ancestors(leaf).reverse(), leaf];
      parts = chain.flatMap((stage) => sites.actionsOf('onEnter', stage).map((action) => ({ ...(action.run ? { tool: action.run.tool } : {}), bits: actionGen(action) })));
      entryParts.set(leaf, parts);
    }
    return parts;
  };
  const entryGenCache = new Map<string, Bitset>();
  const entryGen = (leaf: string, except?: string): Bitset => {
    const key = except === undefined ? leaf : `${leaf}\u0000${except}`;
    let bits = entryGenCache.get(key);
    if (!bits) {
      bits = new Bitset(size);
      for (const part of partsOf(leaf)) if (except === undefined || part.tool !== except) bits.orInPlace(part.bits);
      entryGenCache.set(key, bits);
    }
    return bits;
  };

  const writesByTransition = new Map<string, WriteSite[]>();
  for (const write of sites.writes) {
    if (write.owner.type === 'transition') {
      const pointer = write.owner.transition.pointer;
      writesByTransition.set(pointer, [...(writesByTransition.get(pointer) ?? []), write]);
    }
  }
  const toolOf = (on: unknown, suffix: '.done' | '.error') => (isString(on) && on.endsWith(suffix) ? on.slice(0, -suffix.length) : undefined);
  const edgeGenCache = new Map<string, Bitset>();
  /** What taking a transition defines: its `set`, the intent's required `collect`, a finished tool's `assign`. */
  const edgeGen = (edge: StageEdge): Bitset | undefined => {
    const transition = edge.transition;
    if (!transition) return undefined;
    let bits = edgeGenCache.get(transition.pointer);
    if (!bits) {
      bits = new Bitset(size);
      coverWrites(bits, writesByTransition.get(transition.pointer) ?? []);
      const done = toolOf(transition.transition.on, '.done');
      if (done) {
        const assigned = assignsOf.get(done);
        if (assigned) bits.orInPlace(assigned);
      }
      edgeGenCache.set(transition.pointer, bits);
    }
    return bits;
  };
  /** The state leaving `leaf` along `edge`, given the state it was entered with. */
  const outAlong = (leaf: string, edge: StageEdge, state: Bitset): Bitset => {
    const failed = edge.transition ? toolOf(edge.transition.transition.on, '.error') : undefined;
    const out = state.union(entryGen(leaf, failed));
    const gen = edgeGen(edge);
    if (gen) out.orInPlace(gen);
    return out;
  };

  // --- The two analyses ------------------------------------------------------------
  const solve = (mode: 'must' | 'may'): Map<string, Bitset> => {
    const states = new Map<string, Bitset>();
    if (graph.entry === undefined) return states;
    states.set(graph.entry, startState.clone());
    const queue = [graph.entry];
    const queued = new Set(queue);
    while (queue.length) {
      const leaf = queue.shift()!;
      queued.delete(leaf);
      const state = states.get(leaf)!;
      for (const edge of graph.edgesFrom(leaf)) {
        const out = outAlong(leaf, edge, state);
        const current = states.get(edge.to);
        let changed: boolean;
        if (!current) {
          states.set(edge.to, out);
          changed = true;
        } else changed = mode === 'must' ? current.andInPlace(out) : current.orInPlace(out);
        if (changed && !queued.has(edge.to)) {
          queued.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
    return states;
  };
  const must = solve('must');
  const may = solve('may');

  // Everything defined anywhere: for sites evaluated only in unreachable stages (no path to judge).
  const everywhere = startState.clone();
  for (const write of sites.writes) if (write.via !== 'collect' || !write.optional) cover(everywhere, write.path, true);
  for (const bits of assignsOf.values()) everywhere.orInPlace(bits);
  // After the call: anything defined on some path into some stage.
  const atEnd = startState.clone();
  for (const leaf of graph.leaves) {
    const state = may.get(leaf.name);
    if (state) atEnd.orInPlace(state.union(entryGen(leaf.name)));
  }

  // --- Where each site is evaluated ------------------------------------------------
  const leavesUnder = (stage: string) => graph.leaves.filter((leaf) => leaf.name === stage || model.ancestors(leaf.name).includes(stage)).map((leaf) => leaf.name);
  const talkingLeaves = graph.leaves.filter((leaf) => graph.talks(leaf.name)).map((leaf) => leaf.name);
  const actionPlaces = (owner: Extract<SiteOwner, { type: 'action' }>): Place[] => {
    if (owner.list === 'onStart') return [{ kind: 'start', index: owner.index }];
    if (owner.list === 'onEnd') return [{ kind: 'end' }];
    return leavesUnder(owner.stage!).map((leaf) => ({ kind: 'action', leaf, stage: owner.stage!, index: owner.index }));
  };
  const placesOf = (site: ExpressionSite | TemplateSite): Place[] => {
    const owner = site.owner;
    switch (owner.type) {
      case 'agent':
        return talkingLeaves.map((leaf) => ({ kind: 'body', leaf }));
      case 'stage':
        return leavesUnder(owner.stage).map((leaf) => ({ kind: 'body', leaf }));
      case 'tool': {
        const places: Place[] = talkingLeaves.filter((leaf) => model.toolNames(leaf).includes(owner.tool)).map((leaf) => ({ kind: 'body', leaf }));
        for (const run of sites.runs) if (run.tool === owner.tool) places.push(...actionPlaces(run.owner));
        return places;
      }
      case 'action':
        return actionPlaces(owner);
      case 'transition': {
        const transition = owner.transition;
        const leaves = transition.source === null ? graph.leaves.filter((leaf) => model.acceptsGlobal(leaf.name)).map((leaf) => leaf.name) : leavesUnder(transition.source);
        return leaves.filter((leaf) => !isFinal(model.stages.get(leaf))).map((leaf) => ({ kind: 'transition', leaf, site: site as ExpressionSite }));
      }
      case 'outcome':
        return [{ kind: 'end' }];
    }
  };

  /** The state at a place, for one analysis; undefined when the place is never reached. */
  const stateAt = (place: Place, states: Map<string, Bitset>, mode: 'must' | 'may'): Bitset | undefined => {
    switch (place.kind) {
      case 'start':
        return startBefore[place.index] ?? startState;
      case 'end':
        return mode === 'may' ? atEnd : undefined;
      case 'anywhere':
        return mode === 'may' ? everywhere : undefined;
      case 'body': {
        const state = states.get(place.leaf);
        return state && state.union(entryGen(place.leaf));
      }
      case 'transition': {
        const state = states.get(place.leaf);
        if (!state) return undefined;
        const transition = (place.site.owner as Extract<SiteOwner, { type: 'transition' }>).transition;
        const on = transition.transition.on;
        const out = state.union(entryGen(place.leaf, toolOf(on, '.error')));
        const done = toolOf(on, '.done');
        if (done && assignsOf.has(done)) out.orInPlace(assignsOf.get(done)!);
        if (place.site.role === 'transition-set') coverWrites(out, (writesByTransition.get(transition.pointer) ?? []).filter((write) => write.via === 'collect'));
        return out;
      }
      case 'action': {
        const state = states.get(place.leaf);
        if (!state) return undefined;
        const out = state.clone();
        // Groups' onEnter run first (outermost first), then the stage's own, in order.
        const chain = [...model.ancestors(place.leaf).reverse(), place.leaf];
        for (const stage of chain) {
          const actions = sites.actionsOf('onEnter', stage);
          const until = stage === place.stage ? place.index : actions.length;
          for (let i = 0; i < until; i++) out.orInPlace(actionGen(actions[i]!));
          if (stage === place.stage) break;
        }
        return out;
      }
    }
  };

  // --- Judge every read ------------------------------------------------------------
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

  const placeCache = new Map<ExpressionSite | TemplateSite, Place[]>();
  const witnessCache = new Map<number, Map<string, string | null>>();
  /** Shortest chain of stages from the first stage to `target` on which fact `fact` stays undefined. */
  const witness = (fact: number, target: string): string | undefined => {
    let parents = witnessCache.get(fact);
    if (!parents) {
      parents = new Map();
      if (graph.entry !== undefined && !startState.has(fact)) {
        parents.set(graph.entry, null);
        const queue = [graph.entry];
        for (let i = 0; i < queue.length; i++) {
          const leaf = queue[i]!;
          for (const edge of graph.edgesFrom(leaf)) {
            if (parents.has(edge.to)) continue;
            if (outAlong(leaf, edge, new Bitset(size)).has(fact)) continue;
            parents.set(edge.to, leaf);
            queue.push(edge.to);
          }
        }
      }
      witnessCache.set(fact, parents);
    }
    if (!parents.has(target)) return undefined;
    const chain: string[] = [];
    for (let at: string | null = target; at !== null; at = parents.get(at) ?? null) chain.unshift(at);
    return chain.join(' → ');
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
        owner.type === 'tool' ? `tool \`${owner.tool}\`` : owner.type === 'transition' ? (owner.transition.source === null ? 'a global transition' : `a transition of stage \`${owner.transition.source}\``) : owner.type === 'action' ? (owner.stage ? `the onEnter of stage \`${owner.stage}\`` : `\`${owner.list}\``) : 'the flow',
      );
    }
    return [...writers];
  };

  for (const read of contextReads) {
    const fact = factIndex.get(read.path)!;
    let places = placeCache.get(read.site);
    if (!places) {
      places = placesOf(read.site).filter((place) => !('leaf' in place) || must.has(place.leaf));
      if (places.length === 0) places = [{ kind: 'anywhere' }];
      placeCache.set(read.site, places);
    }
    let missingAt: Place | undefined;
    let definedSomewhere = false;
    for (const place of places) {
      const mustState = stateAt(place, must, 'must');
      const mayState = stateAt(place, may, 'may');
      if (mayState?.has(fact)) definedSomewhere = true;
      if (mustState !== undefined && !mustState.has(fact) && missingAt === undefined) missingAt = place;
      if (place.kind === 'end' && !mayState?.has(fact)) missingAt ??= place;
    }
    if (!definedSomewhere) {
      if (isDeclared(read.path)) continue;
      const writers = writersOf(read.path);
      const where =
        missingAt && 'leaf' in missingAt ? `no path into stage \`${missingAt.leaf}\` sets it` : missingAt?.kind === 'start' ? 'nothing sets it before this `onStart` action' : 'nothing in the flow sets it';
      report(
        'FLOW_UNDEFINED_VARIABLE',
        read,
        `\`${read.path}\` is read in ${describePointer(read.site.pointer)}, but nothing defines it: ${where}, and \`context.schema\` does not declare it.`,
        didYouMean(read.path, knownNames()) ??
          (writers.length
            ? `It is set by ${writers.join(', ')}, but no path into this stage passes there first.`
            : 'Give it a value (`context.initial`, a `collect`, a `set`, a tool `assign`), declare it in `context.schema` if calls start with it, or fix the name.'),
      );
      continue;
    }
    if (!missingAt || !('leaf' in missingAt) || read.guarded) continue;
    const path = witness(fact, missingAt.leaf);
    report(
      'FLOW_MAYBE_UNDEFINED_VARIABLE',
      read,
      `\`${read.path}\` may be empty in stage \`${missingAt.leaf}\` (${describePointer(read.site.pointer)}): ${path ? `it is not set on the path ${path}` : 'it is not set on every path into the stage'}.`,
      `Set it on that path too, give it a starting value in \`context.initial\`${contextSchema ? ', mark it `required` in `context.schema` if every call starts with it' : ''}, or guard it (\`{{default …}}\`, \`$exists(…)\`).`,
    );
  }
}
