/**
 * A flow document, indexed: every stage (groups included) by name with its JSON
 * pointer and parent, every transition with its pointer and intent tool name,
 * and what a stage inherits from its groups. The linter, the compiler, the
 * interpreter and the editor all read flows through this one view, so they
 * agree on names, inheritance and defaults.
 *
 * Pure and tolerant: it indexes whatever it is given (even a flow with errors);
 * judging the flow is the linter's job.
 */
import type { CatalogOperation } from '../connectors/catalog.js';
import type { ToolSpec } from '../interpreter/call-types.js';
import type { Duration, Flow, JsonSchema, Stage, StageLimits, ToolBinding, Transition } from '../types/flow.generated.js';

export type StageKind = NonNullable<Stage['type']>;

/** The target that returns to the stage a global transition interrupted. */
export const PREVIOUS = '$previous';

export const DEFAULTS = {
  voice: 'marin',
  model: 'gpt-realtime',
  toolTimeoutMs: 8000,
  fillerAfterMs: 1500,
  reprompts: 2,
  transcriptionModel: 'gpt-4o-mini-transcribe',
} as const;

export interface StageNode {
  name: string;
  kind: StageKind;
  stage: Stage;
  /** JSON pointer of the stage object, e.g. `/stages/intake/stages/ask`. */
  pointer: string;
  /** Enclosing group, or null at the top level. */
  parent: string | null;
  /** Nested stage names (groups only), in document order. */
  children: string[];
  /** 0 at the top level. */
  depth: number;
}

export interface TransitionNode {
  /** Stage the transition belongs to; null for `global`. */
  source: string | null;
  /** Position in its list. */
  index: number;
  /** JSON pointer of the transition object. */
  pointer: string;
  transition: Transition;
  /** Intent tool name, when the transition has an `intent`. */
  intentName?: string;
}

export interface DuplicateStage {
  name: string;
  pointer: string;
  firstPointer: string;
}

export interface FlowModel {
  readonly flow: Flow;
  /** Every stage by name (first definition wins when names repeat). */
  readonly stages: ReadonlyMap<string, StageNode>;
  /** Stage names defined more than once (in groups). */
  readonly duplicateStages: readonly DuplicateStage[];
  /** Every transition: each stage's `next`, then `global`. */
  readonly transitions: readonly TransitionNode[];
  readonly globalTransitions: readonly TransitionNode[];
  /** A stage's own transitions. */
  transitionsOf(stage: string): readonly TransitionNode[];
  /** Enclosing groups, nearest first. */
  ancestors(stage: string): readonly string[];
  /** The stage actually entered when `name` is targeted: groups resolve through `initial`. Undefined when it cannot be resolved. */
  entryLeaf(name: string): string | undefined;
  /** Stages that are not groups, in document order. */
  leaves(): readonly StageNode[];
  /** Guidance templates that apply to a stage: outermost group first, the stage's own last. */
  guidance(stage: string): ReadonlyArray<{ template: string; pointer: string }>;
  /** Tool bindings offered in a stage: inherited from groups, its own, then every `global: true` binding. None in `end` and `transfer` stages (they only say goodbye or hand over). */
  toolNames(stage: string): readonly string[];
  /** Intent transitions offered in a stage, in priority order: its own, its groups' (inner first), then global. */
  intents(stage: string): readonly TransitionNode[];
  /** Transitions that can fire in a stage (own, groups', global), in priority order. */
  reachableTransitions(stage: string): readonly TransitionNode[];
  /** Limits in force in a stage: its own, else its groups', else the flow's. */
  limits(stage: string): Readonly<EffectiveLimits>;
  /** Whether global transitions apply in the stage (conversation stages only). */
  acceptsGlobal(stage: string): boolean;
}

export interface EffectiveLimits {
  maxTurns?: number;
  maxDurationMs?: number;
  silenceMs?: number;
  reprompts: number;
  onLimit?: string;
  maxCallDurationMs?: number;
}

/** Name of the tool the model calls to take an intent transition. */
export function intentToolName(transition: Transition): string {
  if (transition.name) return transition.name;
  return transition.to === PREVIOUS ? 'go_back' : `go_${transition.to}`;
}

/** Milliseconds of a `Duration` (`500`, `"500ms"`, `"30s"`, `"2m"`); NaN when malformed. */
export function durationMs(value: Duration): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000;
}

/** JSON pointer segment escaping (RFC 6901). */
export function pointerSegment(key: string | number): string {
  const text = String(key);
  // Almost no key needs escaping; checking first saves two string copies per pointer.
  return text.includes('~') || text.includes('/') ? text.replaceAll('~', '~0').replaceAll('/', '~1') : text;
}

/** The function tool the model sees for an intent transition. */
export function intentToolSpec(transition: Transition): ToolSpec {
  const collect = transition.collect ?? {};
  const optional = new Set(transition.optional ?? []);
  return {
    type: 'function',
    name: intentToolName(transition),
    description: transition.intent ?? '',
    parameters: {
      type: 'object',
      properties: { ...collect },
      required: Object.keys(collect).filter((key) => !optional.has(key)),
      additionalProperties: false,
    },
  };
}

/**
 * The arguments the model fills in for a tool binding: the binding's own
 * `parameters`, else the operation's input schema without the arguments the
 * flow binds in `with`.
 */
export function bindingParameters(binding: ToolBinding, operation: CatalogOperation | undefined): JsonSchema {
  if (binding.parameters) return binding.parameters;
  const input = (operation?.input ?? { type: 'object', properties: {} }) as Record<string, unknown>;
  const bound = new Set(Object.keys(binding.with ?? {}));
  if (bound.size === 0) return input;
  const properties = Object.fromEntries(
    Object.entries((input.properties ?? {}) as Record<string, unknown>).filter(([key]) => !bound.has(key)),
  );
  const required = Array.isArray(input.required) ? (input.required as string[]).filter((key) => !bound.has(key)) : undefined;
  return { ...input, properties, ...(required ? { required } : {}) };
}

/** The function tool the model sees for a tool binding. */
export function bindingToolSpec(name: string, binding: ToolBinding, operation: CatalogOperation | undefined): ToolSpec {
  return {
    type: 'function',
    name,
    description: binding.description ?? operation?.description ?? name,
    parameters: bindingParameters(binding, operation) as Record<string, unknown>,
  };
}

// Validating then compiling a flow builds its model twice; the model of a flow
// object is kept while the object lives. Flow documents are not mutated once
// handed to the engine (edits make a new document), which makes this safe.
// The model's answers are remembered too (see `memo`): the linter asks the
// same questions for every stage, site and variable, and the compiler asks
// them again; on a 1,000-stage flow recomputing them was most of the garbage.
const models = new WeakMap<Flow, FlowModel>();

export function buildFlowModel(flow: Flow): FlowModel {
  if (flow === null || typeof flow !== 'object') return createFlowModel(flow);
  let model = models.get(flow);
  if (!model) {
    model = createFlowModel(flow);
    models.set(flow, model);
  }
  return model;
}

function createFlowModel(flow: Flow): FlowModel {
  const stages = new Map<string, StageNode>();
  const duplicateStages: DuplicateStage[] = [];
  const own = new Map<string, TransitionNode[]>();
  const transitions: TransitionNode[] = [];

  const walk = (map: Flow['stages'] | undefined, basePointer: string, parent: string | null, depth: number): string[] => {
    const names: string[] = [];
    if (!map || typeof map !== 'object') return names;
    for (const [name, stage] of Object.entries(map)) {
      if (!stage || typeof stage !== 'object') continue;
      const pointer = `${basePointer}/${pointerSegment(name)}`;
      const existing = stages.get(name);
      if (existing) {
        duplicateStages.push({ name, pointer, firstPointer: existing.pointer });
        continue;
      }
      const node: StageNode = { name, kind: stage.type ?? 'talk', stage, pointer, parent, children: [], depth };
      stages.set(name, node);
      names.push(name);
      const list: TransitionNode[] = [];
      (Array.isArray(stage.next) ? stage.next : []).forEach((transition, index) => {
        if (!transition || typeof transition !== 'object') return;
        const entry: TransitionNode = {
          source: name,
          index,
          pointer: `${pointer}/next/${index}`,
          transition,
          ...(transition.intent ? { intentName: intentToolName(transition) } : {}),
        };
        list.push(entry);
        transitions.push(entry);
      });
      own.set(name, list);
      if (node.kind === 'group') node.children = walk(stage.stages, `${pointer}/stages`, name, depth + 1);
    }
    return names;
  };
  walk(flow.stages, '/stages', null, 0);

  const globalTransitions: TransitionNode[] = [];
  (Array.isArray(flow.global) ? flow.global : []).forEach((transition, index) => {
    if (!transition || typeof transition !== 'object') return;
    const entry: TransitionNode = {
      source: null,
      index,
      pointer: `/global/${index}`,
      transition,
      ...(transition.intent ? { intentName: intentToolName(transition) } : {}),
    };
    globalTransitions.push(entry);
    transitions.push(entry);
  });

  const ancestors = memo((name: string): readonly string[] => {
    const chain: string[] = [];
    let parent = stages.get(name)?.parent ?? null;
    while (parent !== null && !chain.includes(parent)) {
      chain.push(parent);
      parent = stages.get(parent)?.parent ?? null;
    }
    return chain;
  });

  const entryLeaf = memo((name: string): string | undefined => {
    const seen = new Set<string>();
    let current = name;
    for (;;) {
      const node = stages.get(current);
      if (!node || seen.has(current)) return undefined;
      seen.add(current);
      if (node.kind !== 'group') return current;
      const next = node.stage.initial ?? node.children[0];
      if (!next || !node.children.includes(next)) return undefined;
      current = next;
    }
  });

  const acceptsGlobal = (name: string): boolean => {
    const kind = stages.get(name)?.kind;
    return kind === 'talk' || kind === 'action' || kind === 'group';
  };

  const globalTools = Object.entries(flow.tools ?? {})
    .filter(([, binding]) => binding && typeof binding === 'object' && binding.global === true)
    .map(([name]) => name);

  let leaves: StageNode[] | undefined;
  // A group's guidance entry is made once and shared by the chains of all its stages.
  const ownGuidance = memo((stageName: string) => {
    const node = stages.get(stageName);
    const template = node?.stage.guidance;
    return typeof template === 'string' ? { template, pointer: `${node!.pointer}/guidance` } : undefined;
  });
  const guidance = memo((name: string) => {
    const list: Array<{ template: string; pointer: string }> = [];
    const chain = ancestors(name);
    // Outermost group first, the stage's own last.
    for (let i = chain.length - 1; i >= -1; i--) {
      const entry = ownGuidance(i >= 0 ? chain[i]! : name);
      if (entry) list.push(entry);
    }
    return list;
  });
  const toolNames = memo((name: string): readonly string[] => {
    // As the compiler does: an `end` or `transfer` stage has no model turn to call a tool in, even inside a group with tools.
    const kind = stages.get(name)?.kind;
    if (kind === 'end' || kind === 'transfer') return [];
    const chain = [...ancestors(name)].reverse();
    chain.push(name);
    const names = chain.flatMap((stageName) => (Array.isArray(stages.get(stageName)?.stage.tools) ? stages.get(stageName)!.stage.tools! : []));
    if (acceptsGlobal(name)) names.push(...globalTools);
    return [...new Set(names)];
  });
  const reachableTransitions = memo((name: string): readonly TransitionNode[] => {
    const list = [...(own.get(name) ?? [])];
    for (const stageName of ancestors(name)) list.push(...(own.get(stageName) ?? []));
    if (acceptsGlobal(name)) list.push(...globalTransitions);
    return list;
  });
  const intents = memo((name: string): readonly TransitionNode[] => reachableTransitions(name).filter((entry) => entry.intentName !== undefined));
  const flowLimits = flow.limits ?? {};
  const limits = memo((name: string): Readonly<EffectiveLimits> => {
    const chain = [name, ...ancestors(name)];
    const pick = <K extends keyof StageLimits>(key: K): StageLimits[K] | undefined => {
      for (const stageName of chain) {
        const value = stages.get(stageName)?.stage.limits?.[key];
        if (value !== undefined) return value;
      }
      return undefined;
    };
    const maxDuration = pick('maxDuration') ?? flowLimits.maxStageDuration;
    const silence = pick('silence') ?? flowLimits.silence;
    const maxTurns = pick('maxTurns') ?? flowLimits.maxStageTurns;
    const onLimit = pick('onLimit') ?? flowLimits.onLimit;
    // Built property by property, in this order (the order is part of the compiled flow).
    const result: Partial<EffectiveLimits> = {};
    if (maxTurns !== undefined) result.maxTurns = maxTurns;
    if (maxDuration !== undefined) result.maxDurationMs = durationMs(maxDuration);
    if (silence !== undefined) result.silenceMs = durationMs(silence);
    result.reprompts = pick('reprompts') ?? flowLimits.reprompts ?? DEFAULTS.reprompts;
    if (onLimit !== undefined) result.onLimit = onLimit;
    if (flowLimits.maxCallDuration !== undefined) result.maxCallDurationMs = durationMs(flowLimits.maxCallDuration);
    return result as EffectiveLimits;
  });

  return {
    flow,
    stages,
    duplicateStages,
    transitions,
    globalTransitions,
    transitionsOf: (name) => own.get(name) ?? [],
    ancestors,
    entryLeaf,
    leaves: () => (leaves ??= [...stages.values()].filter((node) => node.kind !== 'group')),
    guidance,
    toolNames,
    intents,
    reachableTransitions,
    limits,
    acceptsGlobal,
  };
}

/**
 * A query answered once per stage name. Answers are shared by every caller
 * (typed readonly): callers copy before changing one.
 */
function memo<T>(compute: (name: string) => T): (name: string) => T {
  const answers = new Map<string, T>();
  return (name) => {
    let answer = answers.get(name);
    if (answer === undefined && !answers.has(name)) {
      answer = compute(name);
      answers.set(name, answer);
    }
    return answer as T;
  };
}
