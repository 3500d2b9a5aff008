/* generated from schemas/flow-test.schema.json by scripts/generate-types.ts — do not edit */

/**
 * A phone number in E.164 form, e.g. `+15125550142`.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "PhoneNumber".
 */
export type PhoneNumber = string;
/**
 * One thing the caller does: `says` a line, `presses` keys, stays silent (`silence`) or `hangsUp`.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallerAction".
 */
export type CallerAction = CallerSays | CallerPresses | CallerSilence | CallerHangsUp;
/**
 * A duration: milliseconds as a number, or a string with a unit, e.g. `500ms`, `30s`, `2m`.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = number | string;

/**
 * Test cases for one flow, kept beside it as `<flow>.test.yaml`. Each case is a whole simulated phone call run through the real engine: the caller's turns, what the model does after each, and what must be true afterwards. `parley test` runs them offline; see docs/flow-tests.md.
 */
export interface FlowTestFile {
  /**
   * The schema this file follows (editors use it for completion); ignored by Parley.
   */
  $schema?: string;
  /**
   * The flow file the cases test, relative to this file. Default: the file beside it with the same name without `.test` (`dental-outreach.test.yaml` tests `dental-outreach.yaml`).
   */
  flow?: string;
  /**
   * What these cases are about, for people reading the file.
   */
  description?: string;
  /**
   * Settings every case starts from; a case's own `call` fields, `now`, `context`, `parameters`, `seeds` and `setup` replace these one field at a time.
   */
  defaults?: CaseSettings;
  /**
   * The cases, each one simulated call on a fresh store. Cases are independent and may run in any order.
   *
   * @minItems 1
   */
  cases: [Case, ...Case[]];
}
/**
 * How a case's call is set up: who calls whom and when, the call's context, and the connectors' data.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CaseSettings".
 */
export interface CaseSettings {
  /**
   * The call's direction and numbers.
   */
  call?: CallSettings;
  /**
   * When the call starts, ISO 8601 (e.g. `2026-01-06T15:00:00Z`): the clock of the connectors (calendar hours, free slots) and of the flow (`call.startedAt`, `$now()`), which then runs with the simulated call's time. Default: the moment the test runs — set it, so slots and opening hours are the same on every run.
   */
  now?: string;
  /**
   * Values for the flow's context, merged over its `context.initial` and checked against `context.schema` when the call starts: a number route's context for an inbound call, the call request's for an outbound one. Text may use `{{name.field}}` to refer to the result of a `setup` step named `name`.
   */
  context?: {
    [k: string]: unknown;
  };
  /**
   * Custom parameters of the media stream (Twilio `<Parameter>`s), read by the flow as `call.parameters.<name>`. Text may use `{{name.field}}` to refer to a `setup` step's result.
   */
  parameters?: {
    [k: string]: string;
  };
  /**
   * Data loaded into the connectors before the call.
   */
  seeds?: Seeds;
  /**
   * Connector operations run before the call, in order, after the seeds are loaded (e.g. a booking a reminder call is about).
   */
  setup?: SetupStep[];
}
/**
 * Who calls whom.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallSettings".
 */
export interface CallSettings {
  /**
   * `inbound`: the caller dials `to`, a number routed to the flow (default). `outbound`: the flow calls `to`, placed through the API as a campaign would.
   */
  direction?: 'inbound' | 'outbound';
  /**
   * The calling number (E.164). Inbound: the caller; outbound: the business (default `+15005550006`).
   */
  from?: PhoneNumber;
  /**
   * The called number (E.164). Inbound: the business number routed to the flow; outbound: the person called.
   */
  to?: PhoneNumber;
}
/**
 * Data per connector, by connector name (`calendar`, `crm`): each entry the name of a seed set shipped with the connector (`dental`, `hvac`, `auto`, `clinic`, `smb`) or records written out in the seed file format (`{ calendars: [...] }`, `{ contacts: [...] }`).
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Seeds".
 */
export interface Seeds {
  /**
   * Seed sets and records for one connector, loaded in order.
   *
   * Items: A named seed set, or records written out.
   */
  [k: string]: (
    | string
    | {
        [k: string]: unknown;
      }
  )[];
}
/**
 * One connector operation run before the call.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "SetupStep".
 */
export interface SetupStep {
  /**
   * The operation, `connector.operation`, e.g. `calendar.book`.
   */
  use: string;
  /**
   * Its input. Text may use `{{name.field}}` to refer to the result of an earlier step.
   */
  with?: {
    [k: string]: unknown;
  };
  /**
   * A name for its result, so `context`, `parameters` and later steps can use `{{name.field}}`.
   */
  as?: string;
}
/**
 * One simulated call: its settings, its turns in order, and what must be true once it is over.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Case".
 */
export interface Case {
  /**
   * What the case shows, unique in the file; failures and `parley test -t` use it.
   */
  name: string;
  /**
   * More about the case, for people reading the file.
   */
  description?: string;
  /**
   * Why this case does not run for now; the reason is printed with the results.
   */
  skip?: string;
  /**
   * The call's direction and numbers (over `defaults.call`, field by field).
   */
  call?: CallSettings;
  /**
   * When the call starts (see `defaults.now`).
   */
  now?: string;
  /**
   * Values for the flow's context (see `defaults.context`).
   */
  context?: {
    [k: string]: unknown;
  };
  /**
   * Custom parameters of the media stream (see `defaults.parameters`).
   */
  parameters?: {
    [k: string]: string;
  };
  /**
   * Data loaded into the connectors before the call (replaces `defaults.seeds`).
   */
  seeds?: Seeds;
  /**
   * Connector operations run before the call (replaces `defaults.setup`).
   */
  setup?: SetupStep[];
  /**
   * Connector operations that fail during this case's call, to test the flow's error routes (`on: <tool>.error`).
   */
  faults?: Fault[];
  /**
   * The call, turn by turn. After the last turn the caller hangs up if the call is still going, so the flow's `onEnd` runs and the outcome is computed.
   *
   * @minItems 1
   */
  turns: [Turn, ...Turn[]];
  /**
   * What must be true once the call is over, over the whole call (tools, stages entered, outcome, how it ended).
   */
  expect?: Expectations;
  /**
   * How `parley test --live` plays this case with the real model: a simulated caller with a persona and a goal.
   */
  live?: Live;
}
/**
 * A connector operation that fails during the call, as if its service were down.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Fault".
 */
export interface Fault {
  /**
   * The operation, `connector.operation`, e.g. `sms.send`.
   */
  use: string;
  /**
   * The error code it fails with (default `CONNECTOR_FAILED`).
   */
  code?: string;
  /**
   * The error message it fails with.
   */
  message?: string;
  /**
   * How many of its runs fail (default: every one).
   */
  times?: number;
}
/**
 * One turn: what the caller does, what the model does in the responses the engine asks for next, and what must be true once the call is quiet again (waiting for the caller).
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Turn".
 */
export interface Turn {
  /**
   * What the caller does: a line (text is what they say), or `says`, `presses`, `silence` or `hangsUp`. Leave it out for a turn the caller takes no part in (the call's first words).
   */
  caller?: string | CallerAction;
  /**
   * What the model does in the responses the engine asks for after the caller's action, one item per response, in order. Responses beyond these say a short neutral line; a stage's own `say` lines are said as written and take no item.
   */
  agent?: ModelAction | [ModelAction, ...ModelAction[]];
  /**
   * What must be true after the turn; tools, stages entered, texts and problems are those of this turn only.
   */
  expect?: Expectations;
}
/**
 * The caller says a line.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallerSays".
 */
export interface CallerSays {
  /**
   * A line the caller speaks; the speech recognition reports it as written (unless `heardAs`).
   */
  says: string;
  /**
   * What the speech recognition reports instead of `says` (a mishearing); empty text: nothing was understood.
   */
  heardAs?: string;
}
/**
 * The caller presses keys.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallerPresses".
 */
export interface CallerPresses {
  /**
   * Keypad digits, e.g. `0` or `12#`.
   */
  presses: string;
}
/**
 * The caller stays silent.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallerSilence".
 */
export interface CallerSilence {
  /**
   * How long (call time): the flow's silence timers, re-prompts and `after` timers run meanwhile.
   */
  silence: Duration;
}
/**
 * The caller hangs up.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "CallerHangsUp".
 */
export interface CallerHangsUp {
  /**
   * `true`: the caller hangs up.
   */
  hangsUp: true;
}
/**
 * What the model does in one response: speak, call one function (an intent or a tool) or several, or speak and then call.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "ModelAction".
 */
export interface ModelAction {
  /**
   * What the model says (`{{tool.field}}` reads the latest result of a tool as the model received it).
   */
  says?: string;
  /**
   * The function the model calls — an intent (`parent_confirmed`) or a tool (`find_times`) — or a list of them, called together in one response.
   */
  calls?: string | [FunctionCall, ...FunctionCall[]];
  /**
   * The arguments of `calls` (when it names one function). Text may use `{{tool.field}}` for the latest result of a tool as the model received it, e.g. `{{find_times.slots.0.start}}`.
   */
  with?: {
    [k: string]: unknown;
  };
}
/**
 * One function call of a response.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "FunctionCall".
 */
export interface FunctionCall {
  /**
   * An intent or a tool of the flow.
   */
  name: string;
  /**
   * Its arguments (text may use `{{tool.field}}`).
   */
  with?: {
    [k: string]: unknown;
  };
}
/**
 * What must be true. Values are compared as written, mappings partially (only the fields written are checked); a mapping with one `$` key is a matcher: `$exists`, `$contains`, `$matches`, `$gte`, `$lte`.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Expectations".
 */
export interface Expectations {
  /**
   * The stage the call is in.
   */
  stage?: string;
  /**
   * Stages entered, in this order and no others (an empty list: none).
   */
  entered?: string[];
  /**
   * Tools that ran, in this order (other runs may come between them); an empty list: no tool ran.
   */
  tools?: ToolExpectation[];
  /**
   * Context values by name or dotted path (`booking.bookingId`), compared as written (`{ $exists: false }`: not set).
   */
  context?: {
    [k: string]: unknown;
  };
  /**
   * Text the agent said (a stage's `say`, a greeting, …): each must be part of something the agent said (letter case aside).
   */
  agentSaid?: string | string[];
  /**
   * Text messages sent (through Twilio), in order; an empty list: none.
   */
  sms?: SmsExpectation[];
  /**
   * Connector operations run now, to check what the call left behind (a booking, a CRM note).
   */
  connectors?: ConnectorCheck[];
  /**
   * The call's outcome (fields of the flow's `outcome`); only known once the call is over.
   */
  outcome?: {
    [k: string]: unknown;
  };
  /**
   * Whether the call is over: `true`, `false`, or how it ended.
   */
  ended?: boolean | ('caller-hangup' | 'agent-hangup' | 'transferred' | 'failed');
  /**
   * The number or SIP address the call was transferred to.
   */
  transferredTo?: string;
  /**
   * Calls the engine refused (a function the stage does not offer, bad arguments). Any violation a case does not expect fails it.
   *
   * Items: One expected violation.
   */
  violations?: (
    | string
    | {
        /**
         * The function called.
         */
        name?: string;
        /**
         * The code, e.g. `CALL_TOOL_NOT_OFFERED`, `CALL_INTENT_ARGUMENTS`.
         */
        code?: string;
      }
  )[];
  /**
   * Flow errors the call recorded (e.g. `CALL_EXPRESSION_FAILED`). Any error a case does not expect fails it.
   *
   * Items: An error code.
   */
  errors?: string[];
}
/**
 * A tool run: which tool, with which arguments, and how it went.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "ToolExpectation".
 */
export interface ToolExpectation {
  /**
   * The tool binding's name.
   */
  name: string;
  /**
   * Its arguments as the connector received them (the model's and the binding's `with`), compared partially.
   */
  with?: {
    [k: string]: unknown;
  };
  /**
   * How it went.
   */
  status?: 'ok' | 'error' | 'timeout';
  /**
   * Its result, compared partially.
   */
  result?: {
    [k: string]: unknown;
  };
}
/**
 * A text message sent.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "SmsExpectation".
 */
export interface SmsExpectation {
  /**
   * The number it went to.
   */
  to?: string;
  /**
   * Its text: equal to this, or a matcher such as `{ $contains: booked }`.
   */
  body?:
    | string
    | {
        [k: string]: unknown;
      };
}
/**
 * A connector operation run to check the connector's data.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "ConnectorCheck".
 */
export interface ConnectorCheck {
  /**
   * `connector.operation`, e.g. `calendar.findBookings`.
   */
  use: string;
  /**
   * Its input.
   */
  with?: {
    [k: string]: unknown;
  };
  /**
   * What it must return, compared partially.
   */
  result?: {
    [k: string]: unknown;
  };
  /**
   * Whether it must succeed (default true); `false` expects an error.
   */
  ok?: boolean;
}
/**
 * A simulated caller for `parley test --live`: a model given this persona and goal talks to the agent on the real model.
 *
 * This interface was referenced by `FlowTestFile`'s JSON-Schema
 * via the `definition` "Live".
 */
export interface Live {
  /**
   * Who the caller is and how they talk.
   */
  persona: string;
  /**
   * What the caller wants from the call; they hang up once it is reached.
   */
  goal: string;
  /**
   * What must be true once the call is over (stages entered, tools, outcome, how it ended).
   */
  expect?: Expectations;
  /**
   * The caller gives up after this many turns (default 12).
   */
  maxTurns?: number;
  /**
   * The call is hung up after this long (default `3m`).
   */
  maxDuration?: Duration;
}
