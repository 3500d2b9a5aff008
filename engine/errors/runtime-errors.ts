/**
 * Codes of the live call runtime: the Twilio transport (webhooks, media
 * stream, REST), the model session (OpenAI Realtime) and the CallSession.
 * During a call they are recorded as events, not thrown (STYLE §11); the HTTP
 * routes return them as API errors. Add new codes; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

/** Runtime, telephony and model-session codes, one section of `docs/errors.md`. */
export const RUNTIME_ERRORS = {
  TWILIO_NOT_CONFIGURED: {
    meaning: 'A Twilio webhook or media stream reached Parley, or an outbound call was requested, but Twilio is not configured.',
    fix: 'Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PUBLIC_URL (and TWILIO_FROM_NUMBER for outbound calls); see docs/telephony.md. Without the auth token Parley cannot check Twilio\'s signature, so it refuses every Twilio request.',
    kind: 'operational',
    status: 503,
  },
  TWILIO_SIGNATURE_INVALID: {
    meaning: 'A request to a Twilio webhook or to the media stream did not carry a valid X-Twilio-Signature.',
    fix: 'If the request came from Twilio, PUBLIC_URL must be exactly the URL configured in Twilio (scheme, host, port, no trailing path), and TWILIO_AUTH_TOKEN the account\'s current token. A proxy must not rewrite the path or query. Anything else is not Twilio and is refused.',
    kind: 'user',
    status: 403,
  },
  TWILIO_NUMBER_NOT_ROUTED: {
    meaning: 'A call came in on a number that no flow answers (no number route, or its flow has no published version).',
    fix: 'Route the number to a flow (number routing API) and publish the flow. The caller heard a short apology and the call was recorded as failed.',
    kind: 'user',
    status: 404,
  },
  TWILIO_REQUEST_FAILED: {
    meaning: 'Twilio\'s REST API refused or failed a request (placing, transferring or hanging up a call).',
    fix: 'The message carries Twilio\'s error code (see twilio.com/docs/errors): check the numbers (E.164, a Twilio number you own as caller id), the account\'s credentials and balance.',
    kind: 'operational',
    status: 502,
  },
  TWILIO_STREAM_UNKNOWN_CALL: {
    meaning: 'A media stream started for a call Parley did not set up (no `callId` parameter, an unknown one, or a call already over).',
    fix: 'Media streams must be started by the TwiML Parley returns from POST /twilio/voice, which names the call. Point the Twilio number\'s voice webhook at /twilio/voice, not at the stream.',
    kind: 'user',
    status: 400,
  },
  MODEL_NOT_CONFIGURED: {
    meaning: 'A call needed the realtime model but OPENAI_API_KEY is not set.',
    fix: 'Set OPENAI_API_KEY (and OPENAI_REALTIME_URL when not using OpenAI\'s endpoint). The call took the flow\'s onError route.',
    kind: 'operational',
    status: 503,
  },
  MODEL_CONNECTION_LOST: {
    meaning: 'The realtime model connection failed and could not be restored within the reconnect budget (2 s).',
    fix: 'Check the network path to OPENAI_REALTIME_URL and OpenAI\'s status. The call took the flow\'s onError route (or ended when there is none).',
    kind: 'operational',
    status: 502,
  },
  MODEL_SESSION_UPDATE_REFUSED: {
    meaning: 'The realtime API refused a stage\'s session.update (the error event names the parameter).',
    fix: 'Usually a flow setting the API does not accept (a voice change after the agent spoke, an invalid tool schema). The call took the flow\'s onError route so the model never spoke with the previous stage\'s instructions.',
    kind: 'operational',
    status: 502,
  },
  MODEL_ERROR: {
    meaning: 'The realtime API reported an error during the call (a failed response, a refused client event).',
    fix: 'Recorded on the call with the API\'s type, code and message; the call goes on. Repeated errors usually mean rate limits or an account problem.',
    kind: 'operational',
    status: 502,
  },
  RUNTIME_FLOW_NOT_PUBLISHED: {
    meaning: 'A call was requested for a flow that has no published version.',
    fix: 'Publish the flow first: calls always run a published version, never a draft.',
    kind: 'user',
    status: 409,
  },
  RUNTIME_CALL_START_FAILED: {
    meaning: 'A call could not start: its flow version failed to compile, or its context does not match the flow\'s context schema.',
    fix: 'The message says which. Validate the flow (`parley validate`) and check the context passed with the call (outbound request or number route).',
    kind: 'user',
    status: 422,
  },
  RUNTIME_CALL_NOT_LIVE: {
    meaning: 'A caller turn was sent as text to a call this engine instance is not bridging: the id is unknown, the call has not started yet, or it is over.',
    fix: 'Send text turns only to a live call of this instance (its media stream started, not yet ended); list them with the live calls of the engine. A call that ended cannot be continued.',
    kind: 'user',
    status: 409,
  },
  RUNTIME_CALLER_TEXT_EMPTY: {
    meaning: 'A caller turn was sent as text with nothing in it (empty or only white space).',
    fix: 'Send what the caller says; to let time pass without a turn, wait instead (silence timers run on their own).',
    kind: 'user',
    status: 400,
  },
  RUNTIME_UNEXPECTED: {
    meaning: 'Something failed inside the call runtime while carrying out a step of a call.',
    fix: 'Recorded on the call with the step that failed; the call goes on when it can. Report it with the call id.',
    kind: 'unexpected',
    status: 500,
  },
} as const satisfies Record<string, ErrorDefinition>;
