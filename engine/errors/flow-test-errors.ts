/**
 * Codes of flow tests (`parley test`, `parley chat`): problems with a test
 * file, reported with file:line:column before anything runs, and the ways a
 * case fails when it runs. Stable: CI matches on them.
 */
import type { ErrorDefinition } from './parley-error.js';

export const FLOW_TEST_ERRORS = {
  FLOW_TEST_SYNTAX: {
    meaning: 'A flow test file is not valid YAML or JSON.',
    fix: 'Fix the syntax at the line and column given; check indentation and quotes.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_DUPLICATE_KEY: {
    meaning: 'A key appears twice in the same mapping of a flow test file; only one of the values would be used.',
    fix: 'Remove one of them.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_SCHEMA: {
    meaning: 'A value in a flow test file does not have the type or form the test format allows.',
    fix: 'Change the value as the message says; docs/flow-tests.md and schemas/flow-test.schema.json describe every field.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_PROPERTY: {
    meaning: 'A field the flow test format does not have (often a typo, or a field put on the wrong object).',
    fix: 'Rename it as suggested, move it where it belongs, or remove it.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_MISSING_PROPERTY: {
    meaning: 'A required field of a flow test file is missing.',
    fix: 'Add the field named in the message.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_NO_FLOW: {
    meaning: 'The flow a test file tests cannot be read.',
    fix: 'Put the flow beside the test file with the same name (without `.test`), or name it with `flow:`.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_FLOW_INVALID: {
    meaning: 'The flow a test file tests has errors, so its cases cannot run.',
    fix: 'Run `parley validate` on the flow and fix what it reports.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_DUPLICATE_CASE: {
    meaning: 'Two cases of a flow test file have the same name.',
    fix: 'Give each case its own name: failures and coverage name cases by it.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_STAGE: {
    meaning: 'An expectation names a stage the flow does not have.',
    fix: 'Use a stage name of the flow (the message suggests the closest).',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_FUNCTION: {
    meaning: 'A model action calls a function that is neither an intent nor a tool of the flow.',
    fix: 'Use an intent name (its `name`, or `go_<stage>`) or a tool binding of the flow.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_TOOL: {
    meaning: 'An expectation names a tool binding the flow does not have.',
    fix: 'Use a name from the flow\'s `tools`.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_OPERATION: {
    meaning: 'A setup step, a fault or a connector check names an operation no connector offers.',
    fix: 'Write it as `connector.operation` from the connector catalog (`GET /api/connectors`), e.g. `calendar.book`.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNKNOWN_SEED: {
    meaning: 'A case asks for seed data no connector provides.',
    fix: 'Use a seed set shipped with the connector (calendar and crm: dental, hvac, auto, clinic, smb) or write the records out; for other connectors use `setup`.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_PLACEHOLDER: {
    meaning: 'A case still has a `TODO` placeholder (left by `parley test --generate`), so it cannot run.',
    fix: 'Replace each `TODO` the message lists with what the caller says or the model does there.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_SETUP_FAILED: {
    meaning: 'A case\'s seed data or setup step could not be loaded before its call.',
    fix: 'Check the seed or the setup step the message names: the connector\'s own error says what is wrong.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_EXPECTATION: {
    meaning: 'Something a case expects after a turn (or at the end of the call) is not so.',
    fix: 'The message gives the turn, the stage, the expected and the actual value: fix the flow, or the case if the flow is right.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_MODEL_ACTION: {
    meaning: 'A model action of a case could not be played: the engine never asked for that response, or a `{{tool.field}}` names no result.',
    fix: 'Check the turn the message names: the stage may not ask the model for as many responses as the turn gives it.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_UNEXPECTED_PROBLEM: {
    meaning: 'A call recorded a violation or a flow error that its case does not expect.',
    fix: 'Fix the flow or the case; if the problem is intended, list it under the turn\'s `expect.violations` or `expect.errors`.',
    kind: 'user',
    status: 422,
  },
  FLOW_TEST_CALL_FAILED: {
    meaning: 'The simulated call of a case could not be placed, or stopped answering.',
    fix: 'The message says where it stopped; run the case alone with `parley test <file> -t <name>` to see the call\'s timeline.',
    kind: 'unexpected',
    status: 500,
  },
  FLOW_TEST_LIVE_NO_KEY: {
    meaning: '`parley test --live` and `parley chat` with the model need an OpenAI API key.',
    fix: 'Set OPENAI_API_KEY (and OPENAI_REALTIME_URL to use another endpoint); without a key, run the offline tests, or `parley chat` in step mode.',
    kind: 'user',
    status: 400,
  },
} as const satisfies Record<string, ErrorDefinition>;
