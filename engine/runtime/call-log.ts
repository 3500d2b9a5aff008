/**
 * Log lines of the call runtime: an allow-list of event types and of fields
 * (STYLE §14). Transcripts, audio, tool arguments and results, phone numbers
 * and secrets never reach the log — the call record keeps what was said and
 * done; the log says what happened to the machinery.
 */

/** Event types the runtime logs. */
export const CALL_LOG_EVENTS = [
  'call.started',
  'call.refused',
  'call.transition',
  'call.tool',
  'call.violation',
  'call.model',
  'call.barge-in',
  'call.error',
  'call.invalid-messages',
  'call.ended',
  'call.outbound',
  'twilio.webhook-refused',
] as const;

/** One of `CALL_LOG_EVENTS`. */
export type CallLogEvent = (typeof CALL_LOG_EVENTS)[number];

/** Fields a log line may carry; anything else is dropped. */
const FIELDS: ReadonlySet<string> = new Set([
  'callId',
  'flowId',
  'flowVersion',
  'direction',
  'stage',
  'fromStage',
  'toStage',
  'trigger',
  'tool',
  'use',
  'status',
  'code',
  'latencyMs',
  'attempt',
  'reason',
  'event',
  'ms',
  'count',
  'playedMs',
  'route',
]);

/** Field values: short scalars only. */
export type CallLogFields = Record<string, string | number | boolean | null | undefined>;

/** The pino-like logger the runtime writes to (fastify's `app.log`, or nothing). */
export interface LogTarget {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/** The runtime's logger. There is no field for a phone number, a transcript or a tool's data. */
export interface CallLog {
  info(event: CallLogEvent, fields?: CallLogFields): void;
  warn(event: CallLogEvent, fields?: CallLogFields): void;
  error(event: CallLogEvent, fields?: CallLogFields): void;
}

function filtered(event: CallLogEvent, fields: CallLogFields): Record<string, unknown> {
  const out: Record<string, unknown> = { event };
  for (const [key, value] of Object.entries(fields)) {
    if (!FIELDS.has(key) || value === undefined) continue;
    out[key] = typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…` : value;
  }
  return out;
}

/** A call log over `target`; without one, nothing is written. */
export function createCallLog(target?: LogTarget): CallLog {
  if (!target) return { info() {}, warn() {}, error() {} };
  return {
    info: (event, fields = {}) => target.info(filtered(event, fields), event),
    warn: (event, fields = {}) => target.warn(filtered(event, fields), event),
    error: (event, fields = {}) => target.error(filtered(event, fields), event),
  };
}
