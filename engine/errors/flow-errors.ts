/**
 * Codes of findings about flow documents (loader and linter). Stable: tests,
 * the editor and users' CI match on them. Add new codes; never rename or reuse.
 *
 * Each code has exactly one severity, so a code tells a designer (and CI) how
 * bad it is without reading the message:
 * - `error`: the flow cannot run correctly; `parley validate` exits 1 and the
 *   API refuses to publish it.
 * - `warning`: the flow runs, but probably not as its designer meant.
 */
import type { Severity } from '../flow/finding.js';
import type { ErrorDefinition } from './parley-error.js';

/** A flow finding's catalogue entry: the usual definition plus the severity it is always reported with. */
export interface FlowFindingDefinition extends ErrorDefinition {
  readonly severity: Severity;
}

const flow = (severity: Severity, meaning: string, fix: string): FlowFindingDefinition => ({ meaning, fix, kind: 'user', status: 422, severity });

export const FLOW_ERRORS = {
  // Loading
  FLOW_SYNTAX: flow('error', 'The file is not valid YAML or JSON.', 'Fix the syntax at the line and column given; check indentation and quotes.'),
  FLOW_DUPLICATE_KEY: flow('error', 'A key appears twice in the same mapping; only one of the values would be used.', 'Remove one of them, or rename it (stage names must be unique).'),

  // The flow schema
  FLOW_SCHEMA: flow('error', 'A value does not have the type, form or range the flow language allows.', 'Change the value as the message says; docs/flow-language.md describes every field.'),
  FLOW_UNKNOWN_PROPERTY: flow('error', 'A field the flow language does not have (often a typo, or a field put on the wrong object).', 'Rename it as suggested, move it where it belongs, or remove it.'),
  FLOW_MISSING_PROPERTY: flow('error', 'A required field is missing.', 'Add the field named in the message.'),
  FLOW_INVALID_DURATION: flow('error', 'A duration is not milliseconds or a number with `ms`, `s` or `m`.', 'Write it like `500ms`, `30s`, `2m`, or a whole number of milliseconds.'),

  // Stages and the stage graph
  FLOW_UNKNOWN_STAGE: flow('error', 'A transition, `initial`, `onLimit` or `onError` names a stage the flow does not have.', 'Use the name of an existing stage (names are case-sensitive), or add the stage.'),
  FLOW_DUPLICATE_STAGE: flow('error', 'Two stages have the same name (stage names are unique across the whole flow, groups included).', 'Rename one of them and update the transitions that lead to it.'),
  FLOW_UNREACHABLE_STAGE: flow('warning', 'No path from the first stage leads to this stage, so calls never enter it.', 'Add a transition to it, or remove it.'),
  FLOW_DEAD_END: flow('error', 'A conversation stage has no way out: no transition, no global transition and no limit with `onLimit`.', 'Add a transition (or limits with `onLimit`), or make it an `end` stage.'),
  FLOW_EMPTY_GROUP: flow('error', 'A `group` stage has no nested stages.', 'Add nested `stages`, or make it a `talk` stage.'),
  FLOW_GROUP_INITIAL: flow('error', "A group's `initial` does not name one of its own nested stages.", 'Name one of the nested stages of this group.'),
  FLOW_ACTION_CANNOT_ROUTE: flow('error', 'An `action` stage has no transition that can fire without the model: no `on` for a tool it runs, no `when`, no `after`.', 'Add `on: <tool>.done` / `on: <tool>.error` transitions for the tools it runs, or a `when` condition.'),
  FLOW_TRANSFER_NO_DESTINATION: flow('error', 'A `transfer` stage does not say where the call goes.', 'Add `transfer: { to: "+15125550199" }` (a number in E.164 or a `sip:` address).'),
  FLOW_NEXT_IGNORED: flow('warning', 'An `end` or `transfer` stage has `next` transitions; the call is over or handed on, so they never fire.', 'Remove `next`, or change the stage type.'),
  FLOW_IGNORED_PROPERTY: flow('warning', 'A field that has no effect where it is (e.g. `stages` on a stage that is not a group, `collect` without `intent`).', 'Remove the field, or change the stage type / add the missing trigger so it applies.'),

  // Transitions
  FLOW_NO_TRIGGER: flow('error', 'A transition has no trigger (`intent`, `on`, `keywords`, `pattern`, `dtmf`, `after`, `silence`) and no `when`, so it can never fire.', 'Add a trigger, or `when: "true"` to take it as soon as the stage is entered.'),
  FLOW_PREVIOUS_WITHOUT_GLOBAL: flow('error', '`to: $previous` is used in a stage that no global transition leads to, so there is no interrupted stage to return to.', 'Only use `$previous` in stages that a `global` transition enters, or name the stage to go to.'),
  FLOW_WHEN_ONLY_ON_ENTRY: flow('warning', 'A `when`-only transition in a talk stage reads nothing that can change while the call is in the stage, so it can only fire on entry.', 'Make it read a variable a tool of this stage assigns, add a trigger, or move the condition to the transition that enters the stage.'),
  FLOW_INTENT_IN_SILENT_STAGE: flow('warning', 'An `intent` on a stage where the model does not talk (`action`), so the model is never offered it.', 'Remove the intent, or move the transition to a talk stage.'),
  FLOW_DUPLICATE_INTENT: flow('error', 'Two functions offered to the model in one stage have the same name (two intents, or an intent and a tool).', 'Give one of the intents a distinct `name`.'),
  FLOW_INVALID_PATTERN: flow('error', 'A `pattern` is not a valid regular expression.', 'Fix the regular expression (JavaScript syntax, matched case-insensitively).'),

  // Tools and connector operations
  FLOW_UNKNOWN_TOOL: flow('error', 'A stage, a `run` action or an `on:` trigger names a tool binding the flow does not have.', 'Use the name of a binding under `tools`, or add the binding.'),
  FLOW_TOOL_NOT_IN_STAGE: flow('error', 'An `on: <tool>.done|error` trigger names a tool that cannot run in that stage.', "Offer the tool in the stage (`tools`), run it in the stage's `onEnter`, or trigger on a tool the stage has."),
  FLOW_UNKNOWN_OPERATION: flow('error', "A tool binding's `use` names a connector or operation that is not in the connector catalog.", 'Use `connector.operation` as listed in the catalog (`GET /api/connectors`, or the editor\'s tool palette).'),
  FLOW_UNKNOWN_ARGUMENT: flow('error', 'A `with` or `args` argument that the connector operation does not take.', "Rename it to one of the operation's inputs, or remove it."),
  FLOW_MISSING_ARGUMENT: flow('error', 'A required input of the operation is neither bound by the flow (`with`, `args`) nor left for the model to fill in.', 'Bind it in `with` (or the `run` action\'s `args`), or let the model supply it.'),
  FLOW_UNKNOWN_OUTPUT_FIELD: flow('warning', "An `expose` field or a `$result.…` path that is not in the operation's output.", 'Use a field of the operation\'s output (see the connector catalog).'),

  // Context variables
  FLOW_UNDEFINED_VARIABLE: flow('error', 'A template or expression reads a variable that no path into the stage defines and the context schema does not declare.', 'Define it (context `initial`, a `collect`, a `set`, a tool `assign`), declare it in `context.schema`, or fix the name.'),
  FLOW_MAYBE_UNDEFINED_VARIABLE: flow('warning', 'A template or expression reads a variable that is defined on some paths into the stage but not on all; on the path named it is empty.', 'Define it on the path named too, give it a value in `context.initial`, or use `{{default …}}` / `$exists(…)`.'),
  FLOW_EXPRESSION_VARIABLE: flow('error', 'An expression uses a `$variable` that is not available where it is evaluated (only `$result`, `$args`, `$error` and its own local variables exist, each only in some places).', '`$result` works in a tool\'s `assign` and on `on: <tool>.done` transitions, `$error` on `on: <tool>.error`, `$args` in intents and tools.'),
  FLOW_TYPE_MISMATCH: flow('error', 'A `collect`, `assign` or `set` writes a value whose type contradicts the context schema.', 'Make the two agree: change the collected/assigned type or the context schema.'),
  FLOW_RESERVED_VARIABLE: flow('error', 'The flow writes to (or declares) `call`, which Parley reserves for the call\'s own facts.', 'Use another variable name.'),
  FLOW_UNDECLARED_VARIABLE: flow('error', 'A variable is written that the context schema does not declare, and the schema allows no other variables.', 'Declare it under `context.schema.properties`, or fix the name.'),

  // Embedded text and schemas
  FLOW_INVALID_EXPRESSION: flow('error', 'An expression (condition or mapping) is not valid JSONata.', 'Fix the expression at the position given.'),
  FLOW_INVALID_TEMPLATE: flow('error', 'A template (prompt text) is not valid Handlebars.', 'Fix the template at the position given: close every {{#block}}, balance the braces.'),
  FLOW_UNKNOWN_HELPER: flow('error', 'A template calls a helper Parley does not have.', 'Use one of the helpers listed in the message.'),
  FLOW_INVALID_SCHEMA: flow('error', 'A JSON Schema inside the flow (`context.schema`, `collect`, `parameters`, `outcome.schema`) is not a valid schema.', 'Fix the schema keyword named in the message.'),
  FLOW_INVALID_INITIAL_CONTEXT: flow('error', '`context.initial` does not match `context.schema`.', 'Change the starting value or the schema so they agree.'),

  // Realtime session rules
  FLOW_VOICE_CHANGE: flow('error', 'A stage sets a `voice` the Realtime API cannot switch to at that point (the voice is fixed once the agent has spoken).', 'Set the voice on `agent.voice`, or only on the first stage when nothing is said before it.'),
  FLOW_MODEL_CHANGE: flow('error', 'A stage sets a `model` the Realtime API cannot switch to at that point (the model is fixed for the session).', 'Set the model on `agent.model`, or only on the first stage when nothing is said before it.'),
} as const satisfies Record<string, FlowFindingDefinition>;

/** A code of a flow finding. */
export type FlowFindingCode = keyof typeof FLOW_ERRORS;
