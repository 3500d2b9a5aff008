/* generated from schemas/flow.schema.json by scripts/generate-types.ts — do not edit */

/**
 * Text with Handlebars placeholders over the call context, e.g. `Hello {{patient.parentName}}`. Only the built-in helpers `if`, `unless`, `each`, `with`, `lookup` and Parley's `join`, `count`, `default`, `eq`, `ne`, `gt`, `lt`, `and`, `or`, `not`, `json`, `date` are allowed; partials are not.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Template".
 */
export type Template = string;
/**
 * Realtime voice. Built-in voices: `alloy`, `ash`, `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`, `marin`, `cedar`. It cannot change once the agent has spoken.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Voice".
 */
export type Voice = string;
/**
 * A JSONata expression evaluated over the call context, e.g. `$count(patient.children) > 1`. Extra variables: `$result` (a tool's result), `$args` (a tool's or intent's arguments), `$error` (a tool's error), `$now()` (the call clock, ISO 8601).
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Expression".
 */
export type Expression = string;
/**
 * A duration: milliseconds as a number, or a string with a unit, e.g. `500ms`, `30s`, `2m`.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = number | string;
/**
 * Something the engine does by itself: run a tool or set context variables.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Action".
 */
export type Action = RunAction | SetAction;
/**
 * Name of a tool binding as the model sees it: a letter, then letters, digits, `_` or `-` (at most 64 characters).
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "ToolName".
 */
export type ToolName = string;
/**
 * Name of a stage: a letter, then letters, digits, `_` or `-` (at most 64 characters). Stage names are unique across the whole flow, groups included.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "StageName".
 */
export type StageName = string;

/**
 * A Parley call flow: the agent, the call's variables, the tools the agent may use, and the conversation stages with the transitions between them. The engine compiles it to a state machine and runs it once per phone call.
 */
export interface Flow {
  /**
   * Optional link to this schema, for editors that offer completion. Ignored by the engine.
   */
  $schema?: string;
  /**
   * Stable identifier of the flow: lowercase letters, digits and dashes, starting with a letter. Example: `dental-outreach`.
   */
  id: string;
  /**
   * Human-readable name shown in the editor and in call lists. Example: `Jefferson Dental — Medicaid outreach`.
   */
  name: string;
  /**
   * What the flow is for, in a sentence or two. Shown in the editor; never sent to the model.
   */
  description?: string;
  agent: Agent;
  context?: ContextDeclaration;
  /**
   * Tool bindings by name. Each binds a connector operation and says what the model sees of it. The name is what the model calls (letters, digits, `_` and `-`). Stages list the tools they offer.
   */
  tools?: {
    [k: string]: ToolBinding;
  };
  /**
   * Actions run when the call starts, before the agent says a word: look up the caller, load context. The first stage is entered once they have all finished (successfully or not).
   */
  onStart?: Action[];
  /**
   * Actions run after the call has ended (hang-up, transfer or end stage): log the call, notify staff. They cannot speak to the caller.
   */
  onEnd?: Action[];
  /**
   * Name of the stage the conversation starts in.
   */
  initial: StageName;
  stages: StageMap;
  /**
   * Transitions that can fire from every conversation stage (not from `end` or `transfer` stages, nor while `onStart` runs): emergencies, asking for a person, opting out. A stage's own transitions win when both match.
   */
  global?: Transition[];
  /**
   * Budgets that apply to every stage unless the stage sets its own, and to the whole call.
   */
  limits?: Limits;
  /**
   * Stage to go to when the model connection fails and cannot be restored (usually a `transfer` or `end` stage that apologises). Without it the call is ended.
   */
  onError?: StageName;
  outcome?: Outcome;
}
/**
 * Who the agent is. Applies to every stage; each stage adds its own guidance.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Agent".
 */
export interface Agent {
  /**
   * The agent's standing instructions (persona, tone, rules), a Handlebars template over the call context. Every stage's guidance is appended to it.
   */
  instructions: Template;
  /**
   * Voice the agent speaks with, for the whole call (the Realtime API does not allow a change once audio has started). Default `marin`.
   */
  voice?: Voice;
  /**
   * Realtime model name, for the whole call. Default `gpt-realtime`.
   */
  model?: string;
  /**
   * Language of the caller as a BCP 47 tag (e.g. `en`, `es-MX`), passed to caller transcription.
   */
  language?: string;
  turnDetection?: TurnDetection;
  /**
   * Who speaks first when the call connects: `agent` (outbound calls, greetings) or `caller`. Default `agent`.
   */
  firstSpeaker?: 'agent' | 'caller';
  /**
   * How the caller's speech is transcribed (transcripts drive `keywords` and `pattern` triggers and the call record).
   */
  transcription?: {
    /**
     * Transcription model. Default `gpt-4o-mini-transcribe`.
     */
    model?: string;
    /**
     * Words the transcriber should expect (names, products), as a hint.
     */
    prompt?: string;
  };
}
/**
 * How the model decides the caller has finished speaking.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "TurnDetection".
 */
export interface TurnDetection {
  /**
   * `server_vad` ends a turn after a stretch of silence; `semantic_vad` ends it when the words sound finished. Default `server_vad`.
   */
  type?: 'server_vad' | 'semantic_vad';
  /**
   * `server_vad` only: silence, in milliseconds, that ends the caller's turn. Default 500.
   */
  silenceMs?: number;
  /**
   * `server_vad` only: how loud speech must be to count (0–1). Raise it for noisy lines. Default 0.5.
   */
  threshold?: number;
  /**
   * `server_vad` only: audio kept from before speech was detected, in milliseconds. Default 300.
   */
  prefixPaddingMs?: number;
  /**
   * `semantic_vad` only: how soon the agent answers. `low` lets callers take their time.
   */
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  /**
   * Whether the caller can interrupt the agent by speaking (barge-in). Default true.
   */
  interruptible?: boolean;
}
/**
 * The call's variables: what templates, expressions, intents and tools read and write. `call` is reserved: it holds the call's own facts (`call.id`, `call.from`, `call.to`, `call.direction`, `call.parameters`, `call.startedAt`).
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "ContextDeclaration".
 */
export interface ContextDeclaration {
  /**
   * JSON Schema of the context object (`type: object` with `properties`). Assignments and collected intent arguments are checked against it, statically and during the call.
   */
  schema?: JsonSchema;
  /**
   * Starting values. Values passed when a call starts (outbound context, number routing) are merged over them.
   */
  initial?: {
    [k: string]: unknown;
  };
}
/**
 * A JSON Schema (2020-12) describing a value. Parley checks that it is itself a valid schema.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "JsonSchema".
 */
export interface JsonSchema {
  [k: string]: unknown;
}
/**
 * Binds a connector operation as a tool: what it is called, what the model is told, which arguments are fixed, and what happens with the result.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "ToolBinding".
 */
export interface ToolBinding {
  /**
   * The connector operation, as `connector.operation`. Example: `calendar.findSlots`.
   */
  use: string;
  /**
   * What the model is told the tool does and when to use it. Defaults to the operation's description.
   */
  description?: string;
  /**
   * The arguments the model fills in, as a JSON Schema object. Defaults to the operation's input schema without the arguments bound in `with`. Must be compatible with the operation's input.
   */
  parameters?: JsonSchema;
  /**
   * Arguments fixed by the flow, as expressions over the context. The model never sees them and cannot override them. Example: `{ seats: "$count(patient.children)" }`.
   */
  with?: {
    [k: string]: Expression;
  };
  /**
   * Context variables set from a successful result: variable path → expression. `$result` is the operation's output. Example: `{ slots: "$result.slots" }`.
   */
  assign?: {
    [k: string]: Expression;
  };
  /**
   * Top-level fields of the result returned to the model. Others stay inside Parley (use it to keep PII or noise away from the model). Default: the whole result.
   */
  expose?: string[];
  /**
   * What the agent says when the tool is slow (after `fillerAfter`), so the caller does not hear dead air. Example: `One moment while I check the schedule.`
   */
  filler?: Template;
  /**
   * How long the tool may run before the filler is spoken. Default `1500ms`.
   */
  fillerAfter?: Duration;
  /**
   * Message given to the model when the tool fails or times out, e.g. `The schedule is unavailable; offer a call back.` Default: a generic apology.
   */
  fallback?: string;
  /**
   * Longest the tool may run before it counts as failed. Default `8s`.
   */
  timeout?: Duration;
  /**
   * Offer this tool in every conversation stage, not only those that list it.
   */
  global?: boolean;
}
/**
 * Run a tool binding without the model asking for it.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "RunAction".
 */
export interface RunAction {
  /**
   * Name of the tool binding to run.
   */
  run: ToolName;
  /**
   * Arguments for the tool, as expressions over the context (in addition to the binding's `with`).
   */
  args?: {
    [k: string]: Expression;
  };
}
/**
 * Set context variables: variable path → expression. Example: `{ set: { attempts: "attempts + 1" } }`.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "SetAction".
 */
export interface SetAction {
  /**
   * Variable path (dotted, e.g. `booking.id`) → expression.
   */
  set: {
    [k: string]: Expression;
  };
}
/**
 * Stages by name. A stage is one step of the conversation, with its own guidance, tools and ways out.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "StageMap".
 */
export interface StageMap {
  [k: string]: Stage;
}
/**
 * One step of the conversation.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Stage".
 */
export interface Stage {
  /**
   * `talk` (default): the agent converses with the stage's guidance and tools. `end`: say goodbye and hang up. `transfer`: hand the call to a number or SIP address. `action`: run tools and route on their results without a model turn. `group`: a set of nested stages that share guidance, tools and transitions.
   */
  type?: 'talk' | 'end' | 'transfer' | 'action' | 'group';
  /**
   * A note for flow designers; shown in the editor, never sent to the model.
   */
  description?: string;
  /**
   * What the agent should do in this stage, appended to the agent's instructions while the stage is active. In a group, it is prepended to each nested stage's guidance.
   */
  guidance?: Template;
  /**
   * Tool bindings the model may call in this stage (global tools are added). In a group, nested stages inherit them.
   */
  tools?: ToolName[];
  /**
   * Actions run on entering the stage, before the agent is told about it: look something up, set variables. The stage's guidance is sent once the tools have finished, so it can use their results.
   */
  onEnter?: Action[];
  /**
   * A line the agent says verbatim on entering the stage, e.g. the goodbye of an `end` stage or the announcement of a `transfer`.
   */
  say?: Template;
  /**
   * Whether the agent talks as soon as the stage is entered (true) or waits for the caller (false). Default: true, except for the first stage when `agent.firstSpeaker` is `caller`.
   */
  speaksFirst?: boolean;
  /**
   * What happens to the conversation so far on entering: `keep` it (default), `reset` it (the model starts fresh with only the context), or `summarize` it into one short note.
   */
  history?: 'keep' | 'reset' | 'summarize';
  /**
   * Ways out of this stage, checked in order; the first that matches wins.
   */
  next?: Transition[];
  /**
   * Budgets for this stage, overriding the flow's `limits`.
   */
  limits?: StageLimits;
  /**
   * `transfer` stages: where the call goes.
   */
  transfer?: TransferTarget;
  /**
   * `group` stages: the nested stage entered first.
   */
  initial?: StageName;
  /**
   * `group` stages: the nested stages.
   */
  stages?: StageMap;
  /**
   * Voice for this stage. Only allowed on the first stage (the Realtime API cannot change voice once the agent has spoken); elsewhere it is an error.
   */
  voice?: Voice;
  /**
   * Model for this stage. Only allowed on the first stage (the model is fixed for a realtime session); elsewhere it is an error.
   */
  model?: string;
}
/**
 * A way from one stage to another. Triggers (`intent`, `on`, `keywords`, `pattern`, `dtmf`, `after`, `silence`) fire it; several triggers on one transition mean any of them. `when` is a condition: alone, the transition fires as soon as it becomes true; with triggers, it must be true for them to count.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Transition".
 */
export interface Transition {
  /**
   * Target stage name, or `$previous` to return to the stage a global transition interrupted.
   */
  to: string;
  /**
   * Name of the intent tool the model calls (only with `intent`). Default: `go_` + the target stage, e.g. `go_scheduling`.
   */
  name?: ToolName;
  /**
   * A note for flow designers, shown on the edge in the editor.
   */
  description?: string;
  /**
   * When the model should take this transition, in plain words. It is offered to the model as a function; the model calls it when the conversation matches. Example: `The caller doubts the call is legitimate or asks about cost.`
   */
  intent?: string;
  /**
   * Values the model must supply when it takes the intent, by context variable name → JSON Schema. They are checked, then stored in the context under the same name. Example: `{ parentName: { type: string } }`.
   */
  collect?: {
    [k: string]: JsonSchema;
  };
  /**
   * Names in `collect` the model may leave out. The others are required.
   */
  optional?: string[];
  /**
   * Fires when a tool finishes: `<tool>.done` on success, `<tool>.error` on failure or timeout. Example: `book_appointment.done`.
   */
  on?: string;
  /**
   * Condition over the context. Alone: fires as soon as it is true. With triggers: they only count while it is true (an intent is only offered while it is true).
   */
  when?: Expression;
  /**
   * Fires when the caller says one of these words or phrases (case-insensitive, whole words), without asking the model. Example: `[bleeding, swelling, "really hurts"]`.
   *
   * @minItems 1
   */
  keywords?: [string, ...string[]];
  /**
   * Fires when the caller's words match this regular expression (case-insensitive), without asking the model.
   */
  pattern?: string;
  /**
   * Fires when the caller presses these keys in this stage. Example: `"0"`.
   */
  dtmf?: string;
  /**
   * Fires this long after the stage was entered.
   */
  after?: Duration;
  /**
   * Fires when the caller has said nothing for this long after the agent finished speaking.
   */
  silence?: Duration;
  /**
   * Context variables set when the transition fires: path → expression.
   */
  set?: {
    [k: string]: Expression;
  };
}
/**
 * Budgets that keep a stage from going on forever.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "StageLimits".
 */
export interface StageLimits {
  /**
   * Most caller turns in the stage before `onLimit` is taken.
   */
  maxTurns?: number;
  /**
   * Longest time in the stage before `onLimit` is taken.
   */
  maxDuration?: Duration;
  /**
   * Caller silence after the agent's turn that triggers a re-prompt.
   */
  silence?: Duration;
  /**
   * How many times the agent re-prompts a silent caller before `onLimit` is taken. Default 2.
   */
  reprompts?: number;
  /**
   * Stage to go to when a budget runs out.
   */
  onLimit?: StageName;
}
/**
 * Where a `transfer` stage sends the call.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "TransferTarget".
 */
export interface TransferTarget {
  /**
   * Phone number in E.164 (`+15125550199`) or a `sip:` address, as a template. Example: `{{org.escalationPhone}}`.
   */
  to: Template;
  /**
   * Number shown to the person receiving the transfer. Default: the number the call came in on.
   */
  callerId?: Template;
}
/**
 * Budgets for every stage and for the whole call.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Limits".
 */
export interface Limits {
  /**
   * Most caller turns in any one stage before `onLimit` is taken.
   */
  maxStageTurns?: number;
  /**
   * Longest time in any one stage before `onLimit` is taken.
   */
  maxStageDuration?: Duration;
  /**
   * Longest the whole call may last before `onLimit` is taken.
   */
  maxCallDuration?: Duration;
  /**
   * Caller silence after the agent's turn that triggers a re-prompt, in every stage.
   */
  silence?: Duration;
  /**
   * How many times the agent re-prompts a silent caller before `onLimit` is taken. Default 2.
   */
  reprompts?: number;
  /**
   * Stage to go to when a budget runs out (usually a transfer or a polite end).
   */
  onLimit?: StageName;
}
/**
 * The structured result written when the call ends (an intake form, a booking summary), stored with the call.
 *
 * This interface was referenced by `Flow`'s JSON-Schema
 * via the `definition` "Outcome".
 */
export interface Outcome {
  /**
   * JSON Schema of the outcome object. The outcome is checked against it; a mismatch is recorded with the call, never thrown away.
   */
  schema: JsonSchema;
  /**
   * How each outcome field is computed: field → expression over the final context. Fields without one are copied from the context variable of the same name.
   */
  map?: {
    [k: string]: Expression;
  };
}
