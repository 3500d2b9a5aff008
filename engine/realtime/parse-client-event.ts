/**
 * Parses client events of the OpenAI Realtime API (GA): what Parley sends, and
 * what the fake realtime server receives. Never throws; returns a discriminated
 * union on `type`, typed with the `openai` package's event types. Only the
 * fields the API requires are checked here; the fake server validates the
 * contents (a session's settings, an item's content) the way the API does.
 */
import type {
  ConversationItemCreateEvent,
  ConversationItemDeleteEvent,
  ConversationItemRetrieveEvent,
  ConversationItemTruncateEvent,
  InputAudioBufferAppendEvent,
  InputAudioBufferClearEvent,
  InputAudioBufferCommitEvent,
  ResponseCancelEvent,
  ResponseCreateEvent,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import { parseJsonObject } from '../util/wire-text.js';
import { checkShape, describeShapeProblem, isJsonObject, jsonTypeOf, type JsonObject, type ShapeProblem, type ShapeSpec } from './event-shape.js';

/** A client event Parley sends or the fake server handles. */
export type ClientEvent =
  | SessionUpdateEvent
  | InputAudioBufferAppendEvent
  | InputAudioBufferCommitEvent
  | InputAudioBufferClearEvent
  | ConversationItemCreateEvent
  | ConversationItemTruncateEvent
  | ConversationItemDeleteEvent
  | ConversationItemRetrieveEvent
  | ResponseCreateEvent
  | ResponseCancelEvent;

/** Type names of the client events Parley handles. */
export type ClientEventType = ClientEvent['type'];

/** A JSON object with a string `type` Parley does not handle (e.g. `output_audio_buffer.clear`, WebRTC only). */
export interface UnknownClientEvent {
  type: 'unknown';
  raw: JsonObject & { type: string };
}

/** A frame that is not a JSON object with a string `type`, or a handled event missing a required field. */
export interface InvalidClientEvent {
  type: 'invalid';
  error: {
    code: 'REALTIME_CLIENT_EVENT_INVALID';
    message: string;
    /** The offending field (`item_id`, `type`), when one is to blame. */
    param?: string;
    /** `json`: not a JSON object; `missing` / `type`: a field is missing or of the wrong type. */
    reason: 'json' | 'missing' | 'type';
    /** The JSON type the field should have had, for `missing` / `type`. */
    expected?: string;
    /** The JSON type the field had, for `type`. */
    got?: string;
  };
  raw?: JsonObject;
}

/** What `parseClientEvent` returns. */
export type ParsedClientEvent = ClientEvent | UnknownClientEvent | InvalidClientEvent;

/** Fields the API requires of each client event. `event_id`, when present, must be a string. */
const CLIENT_EVENT_SHAPES: ReadonlyMap<string, ShapeSpec> = new Map<ClientEventType, ShapeSpec>([
  ['session.update', { session: 'object' }],
  ['input_audio_buffer.append', { audio: 'string' }],
  ['input_audio_buffer.commit', {}],
  ['input_audio_buffer.clear', {}],
  ['conversation.item.create', { item: 'object' }],
  ['conversation.item.truncate', { item_id: 'string', content_index: 'integer', audio_end_ms: 'integer' }],
  ['conversation.item.delete', { item_id: 'string' }],
  ['conversation.item.retrieve', { item_id: 'string' }],
  ['response.create', {}],
  ['response.cancel', {}],
]);

/** Type names of the client events `parseClientEvent` types; everything else is `unknown`. */
export const HANDLED_CLIENT_EVENT_TYPES: readonly ClientEventType[] = [...CLIENT_EVENT_SHAPES.keys()] as ClientEventType[];

/** Parses one client event. Never throws. A handled event is the parsed object itself. */
export function parseClientEvent(data: unknown): ParsedClientEvent {
  const parsed = parseJsonObject(data);
  if (typeof parsed === 'string') return invalid({ message: parsed, reason: 'json' });
  const type = parsed.type;
  if (type === undefined) return invalid(problem({ path: 'type', issue: 'missing', expected: 'string' }), parsed);
  if (typeof type !== 'string') return invalid(problem({ path: 'type', issue: 'type', expected: 'string', got: jsonTypeOf(type) }), parsed);
  if (parsed.event_id !== undefined && typeof parsed.event_id !== 'string') {
    return invalid(problem({ path: 'event_id', issue: 'type', expected: 'string', got: jsonTypeOf(parsed.event_id) }, type), parsed);
  }
  const shape = CLIENT_EVENT_SHAPES.get(type);
  if (shape === undefined) return { type: 'unknown', raw: parsed as UnknownClientEvent['raw'] };
  const found = checkShape(parsed, shape) ?? optionalFieldProblem(parsed, type);
  if (found) return invalid(problem(found, type), parsed);
  return parsed as unknown as ClientEvent;
}

/** Optional fields that, when present, must still have the right type. */
function optionalFieldProblem(event: JsonObject, type: string): ShapeProblem | undefined {
  if (type === 'response.create' && event.response !== undefined && !isJsonObject(event.response)) {
    return { path: 'response', issue: 'type', expected: 'object', got: jsonTypeOf(event.response) };
  }
  if (type === 'response.cancel' && event.response_id !== undefined && typeof event.response_id !== 'string') {
    return { path: 'response_id', issue: 'type', expected: 'string', got: jsonTypeOf(event.response_id) };
  }
  if (type === 'conversation.item.create' && event.previous_item_id != null && typeof event.previous_item_id !== 'string') {
    return { path: 'previous_item_id', issue: 'type', expected: 'string', got: jsonTypeOf(event.previous_item_id) };
  }
  return undefined;
}

function problem(found: ShapeProblem, type?: string): Omit<InvalidClientEvent['error'], 'code'> {
  const message = (type ? `${type}: ` : '') + describeShapeProblem(found);
  return found.issue === 'missing'
    ? { message, param: found.path, reason: 'missing', expected: found.expected }
    : { message, param: found.path, reason: 'type', expected: found.expected, ...(found.got ? { got: found.got } : {}) };
}

function invalid(error: Omit<InvalidClientEvent['error'], 'code'>, raw?: JsonObject): InvalidClientEvent {
  const full = { code: 'REALTIME_CLIENT_EVENT_INVALID' as const, ...error };
  return raw === undefined ? { type: 'invalid', error: full } : { type: 'invalid', error: full, raw };
}
