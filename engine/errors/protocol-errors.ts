/**
 * Codes of the protocol layer (Twilio Media Streams and OpenAI Realtime wire
 * events) and of the test doubles that speak those protocols. Parsers never
 * throw: they return these codes inside `invalid` results, which the call
 * records as events. Add new codes; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

/** Protocol and test-double codes, one section of `docs/errors.md`. */
export const PROTOCOL_ERRORS = {
  TWILIO_MESSAGE_INVALID: {
    meaning: 'A Twilio Media Streams message was not JSON, or lacked a field Parley needs (such as the audio payload).',
    fix: 'Parley drops the message and the call goes on. If it repeats, check that nothing between Twilio and Parley (a proxy, a load balancer) rewrites WebSocket frames.',
    kind: 'operational',
    status: 502,
  },
  REALTIME_EVENT_INVALID: {
    meaning: 'An event from the OpenAI Realtime API was not JSON, or an event Parley handles lacked a field it needs.',
    fix: 'Check that the Realtime URL points at the OpenAI Realtime API (GA) and that no `OpenAI-Beta: realtime=v1` header is sent: that header switches the API to the older beta event shapes.',
    kind: 'operational',
    status: 502,
  },
  REALTIME_CLIENT_EVENT_INVALID: {
    meaning: 'An event sent to the Realtime API (by Parley or by a test) was not JSON, or lacked a field the API requires.',
    fix: 'Build client events with the builders in `engine/realtime/client-event-builders.ts`; the message names the missing or mistyped field.',
    kind: 'unexpected',
    status: 500,
  },
  TEST_SCRIPT_INVALID: {
    meaning: 'A conversation script for the test doubles has a step they cannot run.',
    fix: 'Build steps with `agent.*` and `caller.*` from `engine/testing`; the message names the step by its position.',
    kind: 'user',
    status: 400,
  },
  TEST_WAIT_TIMEOUT: {
    meaning: 'A test double waited longer than its timeout for an event that never came.',
    fix: 'The message lists what was awaited and the last events seen; the engine under test most likely never sent the awaited event.',
    kind: 'user',
    status: 408,
  },
} as const satisfies Record<string, ErrorDefinition>;
