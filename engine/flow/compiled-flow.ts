/**
 * What `compileFlow` produces: the XState machine of a flow plus every table
 * the interpreter needs per event, precomputed once per flow version so a
 * stage transition only renders templates and filters a short list.
 */
import type { AnyStateMachine } from 'xstate';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { ToolSpec } from '../interpreter/call-types.js';
import type { Flow, JsonSchema } from '../types/flow.generated.js';
import type { CompiledExpression } from './expressions.js';
import type { EffectiveLimits, FlowModel, StageKind } from './flow-model.js';
import type { TextMatcher } from './keyword-matcher.js';
import type { SchemaValidators } from './schema-validators.js';
import type { CompiledTemplate } from './templates.js';

/** An expression with where it came from, for runtime error reports. */
export interface PlacedExpression {
  expression: CompiledExpression;
  /** JSON pointer in the flow document. */
  pointer: string;
}

/** A template with where it came from. */
export interface PlacedTemplate {
  template: CompiledTemplate;
  pointer: string;
}

/** `path → expression` pairs, in document order (`set`, `assign`, `with`, `args`, `outcome.map`). */
export type CompiledAssignments = ReadonlyArray<{ path: string } & PlacedExpression>;

/** An `onStart` / `onEnter` / `onEnd` action. */
export type CompiledAction =
  | { kind: 'set'; assignments: CompiledAssignments }
  | { kind: 'run'; tool: string; args: CompiledAssignments };

/** A tool binding, ready to run. */
export interface CompiledBinding {
  name: string;
  /** `connector.operation`. */
  use: string;
  /** What the model sees. */
  spec: ToolSpec;
  /** Arguments bound by the flow, hidden from the model. */
  with: CompiledAssignments;
  /** Result → context. */
  assign: CompiledAssignments;
  /** Result fields returned to the model; undefined = all but the operation's PII fields. */
  expose?: readonly string[];
  /** Top-level result fields the catalog marks as personal data. */
  pii: readonly string[];
  filler?: PlacedTemplate;
  fillerAfterMs: number;
  timeoutMs: number;
  /** Told to the model when the tool fails. */
  fallback: string;
}

/** Which triggers a transition has. */
export interface TransitionTriggers {
  intent: boolean;
  on?: { tool: string; outcome: 'done' | 'error' };
  keywords?: { words: readonly string[]; matcher: TextMatcher };
  pattern?: TextMatcher;
  dtmf?: string;
  afterMs?: number;
  silenceMs?: number;
}

/** A transition of a stage or of `global`. */
export interface CompiledTransition {
  /** Stable id within the flow version: `t` + its index in the flow model (`t0`, `t1`, …). */
  id: string;
  /** Stage it belongs to; null for global. */
  source: string | null;
  pointer: string;
  /** Target as written (`$previous` included). */
  to: string;
  /** Whether `to` is `$previous`. */
  toPrevious: boolean;
  triggers: TransitionTriggers;
  /** No trigger at all: fires when its `when` holds (or at once without one). */
  conditionOnly: boolean;
  when?: PlacedExpression;
  set: CompiledAssignments;
  /** Intent tool name, for intents. */
  intentName?: string;
  /** The function the model sees, for intents. */
  intentSpec?: ToolSpec;
  /** JSON Schema of the intent's arguments (validated with `validators.intentArguments`). */
  collectSchema?: JsonSchema;
  /** Names the intent stores in the context. */
  collectKeys: readonly string[];
}

/** A stage (or group), with everything a stage entry needs. */
export interface CompiledStage {
  name: string;
  kind: StageKind;
  parent: string | null;
  /** Whether the stage is a conversation stage the caller can be in (not a group). */
  leaf: boolean;
  /** Guidance chain: outermost group first, the stage's own last. */
  guidance: readonly PlacedTemplate[];
  say?: PlacedTemplate;
  transfer?: { to: PlacedTemplate; callerId?: PlacedTemplate };
  /** The stage's own entry actions (a group's run when the group is entered). */
  onEnter: readonly CompiledAction[];
  /** Tool bindings offered (inherited, own, global). */
  toolNames: ReadonlySet<string>;
  /** Their specs, in offer order. */
  toolSpecs: readonly ToolSpec[];
  /** Intent transitions offered, in priority order (own, groups inner first, global). */
  intents: readonly CompiledTransition[];
  /** Intent name → the first intent transition of that name. */
  intentByName: ReadonlyMap<string, CompiledTransition>;
  /** Transitions that can fire here, in priority order (for timers and walks). */
  reachable: readonly CompiledTransition[];
  /** Explicit `speaksFirst`, if any. */
  speaksFirst?: boolean;
  history: 'keep' | 'reset' | 'summarize';
  limits: EffectiveLimits;
  /** `after` timers to start on entry. */
  afterTimers: ReadonlyArray<{ transition: string; ms: number }>;
  /** `silence` timers to start when the agent's turn ends. */
  silenceTimers: ReadonlyArray<{ transition: string; ms: number }>;
}

/** A compiled flow: one per flow version, shared by every call of it. */
export interface CompiledFlow {
  readonly flow: Flow;
  readonly model: FlowModel;
  /** `sha256` of the flow document; snapshots carry it so they only resume on the same version. */
  readonly fingerprint: string;
  /** The machine config, plain data: guards and actions by name with params. */
  readonly config: Record<string, unknown>;
  /** The machine, implementations unbound (`machine.provide()` per call). */
  readonly machine: AnyStateMachine;
  readonly catalog?: ConnectorCatalog;
  readonly agent: { instructions: PlacedTemplate; voice: string; model: string; firstSpeaker: 'agent' | 'caller' };
  /** Stages and groups by name. */
  readonly stages: ReadonlyMap<string, CompiledStage>;
  /** Transitions by id. */
  readonly transitions: ReadonlyMap<string, CompiledTransition>;
  readonly tools: ReadonlyMap<string, CompiledBinding>;
  readonly onStart: readonly CompiledAction[];
  readonly onEnd: readonly CompiledAction[];
  /** The leaf stage the call starts in. */
  readonly initialStage: string;
  readonly onError?: string;
  readonly initialContext: Readonly<Record<string, unknown>>;
  readonly outcome?: { schema: JsonSchema; fields: CompiledAssignments; copied: readonly string[] };
  /** Context variables the model learns from the context block (what intents collect), in declaration order. */
  readonly contextBlockKeys: readonly string[];
  /** JSON Schema validators, compiled on first use and kept for the flow version. */
  readonly validators: SchemaValidators;
}
