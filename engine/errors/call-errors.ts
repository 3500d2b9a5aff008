/**
 * Codes of the flow compiler (`COMPILE_*`) and of the call interpreter
 * (`CALL_*`). Compile errors are thrown (a flow that cannot be compiled never
 * reaches a call); call errors are reported as `violation` and `error` effects
 * while the call goes on (STYLE §11), except bad call input, a snapshot that
 * does not fit the flow, and driver misuse, which are thrown before anything
 * happens. Add new codes; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

const compile = (meaning: string, fix: string): ErrorDefinition => ({ meaning, fix, kind: 'user', status: 422 });
const call = (meaning: string, fix: string, kind: ErrorDefinition['kind'] = 'user', status = 422): ErrorDefinition => ({ meaning, fix, kind, status });

export const COMPILE_ERRORS = {
  COMPILE_STRUCTURE: compile(
    'The flow cannot be turned into a state machine: a stage target, the initial stage, a group’s initial stage or a tool binding does not exist, or a stage name is defined twice.',
    'Run `parley validate` on the flow and fix the findings it lists at the pointers given.',
  ),
  COMPILE_EXPRESSION: compile(
    'An expression (`when`, `set`, `with`, `assign`, `args`, `outcome.map`) is not valid JSONata or uses a forbidden function.',
    'Fix the expression at the pointer given; `parley validate` shows the position inside it.',
  ),
  COMPILE_TEMPLATE: compile(
    'A template (`instructions`, `guidance`, `say`, `filler`, `transfer.to`) does not parse, uses an unknown helper, or uses a partial.',
    'Fix the template at the pointer given; only the helpers listed in the flow schema are available.',
  ),
  COMPILE_PATTERN: compile(
    'A transition’s `pattern` is not a valid regular expression.',
    'Fix the regular expression at the pointer given (JavaScript syntax, matched case-insensitively).',
  ),
  COMPILE_DURATION: compile(
    'A duration (`after`, `silence`, `timeout`, `fillerAfter`, limits) is not a number of milliseconds or a number with `ms`, `s` or `m`.',
    'Write it as `500`, `"500ms"`, `"30s"` or `"2m"`.',
  ),
} as const satisfies Record<string, ErrorDefinition>;

export const CALL_ERRORS = {
  CALL_CONTEXT_INVALID: call(
    'The context a call was started with does not match the flow’s `context.schema`, or sets the reserved `call` variable.',
    'Send values that match the schema (see `details.errors`); `call.*` is filled in by Parley.',
    'user',
    400,
  ),
  CALL_SNAPSHOT_INVALID: call(
    'A call snapshot cannot be resumed: it is not a Parley call snapshot, or it was taken with another flow or flow version.',
    'Resume a snapshot only with the exact flow version it was taken with.',
    'unexpected',
    500,
  ),
  CALL_INTERPRETER_STATE: call(
    'The call interpreter was driven out of order (an event before `start()`, or `start()` twice).',
    'Call `start()` once, then `send()` events; a resumed interpreter is already started.',
    'unexpected',
    500,
  ),
  CALL_TOOL_NOT_OFFERED: call(
    'The model called a tool or intent that the current stage does not offer. The call was refused (security rule: tools are limited to the current stage).',
    'Usually harmless (the model remembered an earlier stage). If it repeats, make the stage’s guidance clearer or offer the tool in this stage.',
  ),
  CALL_TOOL_ARGUMENTS: call(
    'The model called a tool with arguments that are not JSON or do not match the tool’s parameters. The call was refused and the model was told what to fix.',
    'If it repeats, describe the parameters better in the tool binding (`description`, `parameters`).',
  ),
  CALL_INTENT_ARGUMENTS: call(
    'The model took an intent with values that do not match its `collect` schema. The stage did not change and the model was told what to fix.',
    'If it repeats, make the `collect` schema or the intent’s wording clearer.',
  ),
  CALL_INTENT_UNAVAILABLE: call(
    'The model took an intent whose `when` condition is false (or `$previous` with no interrupted stage). The stage did not change.',
    'Check the transition’s `when`; the intent is only offered to the model while it holds.',
  ),
  CALL_EXPRESSION_FAILED: call(
    'An expression failed while the call ran (type error, step budget exceeded); the condition counted as false or the value was not set.',
    'Fix the expression at the pointer given; test it with `parley test` on the same context.',
  ),
  CALL_TEMPLATE_FAILED: call(
    'A template failed to render while the call ran; it was rendered as empty text.',
    'Fix the template at the pointer given (a helper got an argument it cannot use).',
  ),
  CALL_ASSIGN_INVALID: call(
    'A value assigned to the context (tool `assign`, `set`) does not match the context schema, or writes the reserved `call` variable; it was not stored.',
    'Make the assignment produce a value of the declared type, or change `context.schema`.',
  ),
  CALL_TRANSITION_LOOP: call(
    'Stages kept routing to each other without waiting for the caller, a tool or a timer (a `when` loop); the call was ended.',
    'Make sure `when` conditions and unconditional transitions cannot lead back to a stage they left without something changing.',
  ),
  CALL_ACTION_STAGE_STUCK: call(
    'An `action` stage finished its actions and none of its transitions fired, and no timer can move it on; the call went to `onError` (or ended).',
    'Give the action stage a way out for every result: a `<tool>.error` route, a `when` that covers the rest, or a transition without a trigger.',
  ),
  CALL_OUTCOME_INVALID: call(
    'The call’s outcome does not match `outcome.schema`. It was stored anyway, with the mismatches.',
    'Map every required outcome field in `outcome.map`, or collect it during the call.',
  ),
} as const satisfies Record<string, ErrorDefinition>;
