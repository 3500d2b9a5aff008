/**
 * Parses what the OpenAI Realtime API (GA protocol) sends: every model frame
 * goes through `parseServerEvent`, which never throws and returns a
 * discriminated union on `type`. Events Parley handles are checked for the
 * fields it reads and typed with the `openai` package's own event types; any
 * other event passes through untouched as `unknown`; frames that are not JSON
 * objects, or handled events missing a field, come back as `invalid`.
 */
import type {
  ConversationItemAdded,
  ConversationItemCreatedEvent,
  ConversationItemDeletedEvent,
  ConversationItemDone,
  ConversationItemInputAudioTranscriptionCompletedEvent,
  ConversationItemInputAudioTranscriptionDeltaEvent,
  ConversationItemInputAudioTranscriptionFailedEvent,
  ConversationItemTruncatedEvent,
  InputAudioBufferClearedEvent,
  InputAudioBufferCommittedEvent,
  InputAudioBufferSpeechStartedEvent,
  InputAudioBufferSpeechStoppedEvent,
  RateLimitsUpdatedEvent,
  RealtimeErrorEvent,
  RealtimeServerEvent,
  ResponseAudioDeltaEvent,
  ResponseAudioDoneEvent,
  ResponseAudioTranscriptDeltaEvent,
  ResponseAudioTranscriptDoneEvent,
  ResponseContentPartAddedEvent,
  ResponseContentPartDoneEvent,
  ResponseCreatedEvent,
  ResponseDoneEvent,
  ResponseFunctionCallArgumentsDeltaEvent,
  ResponseFunctionCallArgumentsDoneEvent,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
  ResponseTextDeltaEvent,
  ResponseTextDoneEvent,
  SessionCreatedEvent,
  SessionUpdatedEvent,
} from 'openai/resources/realtime/realtime';
import { parseJsonObject } from '../util/wire-text.js';
import { checkShape, describeShapeProblem, type JsonObject, type ShapeSpec } from './event-shape.js';

/** `conversation.item.retrieved`, which the `openai` package types inside its union only. */
export type ConversationItemRetrievedEvent = Extract<RealtimeServerEvent, { type: 'conversation.item.retrieved' }>;

/** A server event Parley handles, typed as the `openai` package types it. */
export type ServerEvent =
  | SessionCreatedEvent
  | SessionUpdatedEvent
  | RealtimeErrorEvent
  | ConversationItemAdded
  | ConversationItemDone
  | ConversationItemCreatedEvent
  | ConversationItemRetrievedEvent
  | ConversationItemTruncatedEvent
  | ConversationItemDeletedEvent
  | InputAudioBufferSpeechStartedEvent
  | InputAudioBufferSpeechStoppedEvent
  | InputAudioBufferCommittedEvent
  | InputAudioBufferClearedEvent
  | ConversationItemInputAudioTranscriptionDeltaEvent
  | ConversationItemInputAudioTranscriptionCompletedEvent
  | ConversationItemInputAudioTranscriptionFailedEvent
  | ResponseCreatedEvent
  | ResponseDoneEvent
  | ResponseOutputItemAddedEvent
  | ResponseOutputItemDoneEvent
  | ResponseContentPartAddedEvent
  | ResponseContentPartDoneEvent
  | ResponseAudioDeltaEvent
  | ResponseAudioDoneEvent
  | ResponseAudioTranscriptDeltaEvent
  | ResponseAudioTranscriptDoneEvent
  | ResponseTextDeltaEvent
  | ResponseTextDoneEvent
  | ResponseFunctionCallArgumentsDeltaEvent
  | ResponseFunctionCallArgumentsDoneEvent
  | RateLimitsUpdatedEvent;

/** Type names of the server events Parley handles. */
export type ServerEventType = ServerEvent['type'];

/** A well-formed server event Parley does not handle; passed through untouched. */
export interface UnknownServerEvent {
  type: 'unknown';
  /** The event as received; `raw.type` is its real type. */
  raw: JsonObject & { type: string };
}

/** A frame that is not a JSON object with a string `type`, or a handled event missing a field. */
export interface InvalidServerEvent {
  type: 'invalid';
  error: { code: 'REALTIME_EVENT_INVALID'; message: string };
  /** The parsed JSON, when the frame was JSON. */
  raw?: JsonObject;
}

/** What `parseServerEvent` returns. */
export type ParsedServerEvent = ServerEvent | UnknownServerEvent | InvalidServerEvent;

const ITEM: ShapeSpec = { id: 'string', type: 'string' };
const RESPONSE: ShapeSpec = { id: 'string' };
const AUDIO_PART = { response_id: 'string', item_id: 'string', output_index: 'integer', content_index: 'integer' } as const;

/** Fields each handled event must carry (only those Parley reads; `event_id` is not one). */
const SERVER_EVENT_SHAPES: ReadonlyMap<string, ShapeSpec> = new Map<ServerEventType, ShapeSpec>([
  ['session.created', { session: 'object' }],
  ['session.updated', { session: 'object' }],
  ['error', { error: { type: 'string', message: 'string' } }],
  ['conversation.item.added', { item: ITEM }],
  ['conversation.item.done', { item: ITEM }],
  ['conversation.item.created', { item: ITEM }],
  ['conversation.item.retrieved', { item: ITEM }],
  ['conversation.item.truncated', { item_id: 'string', content_index: 'integer', audio_end_ms: 'integer' }],
  ['conversation.item.deleted', { item_id: 'string' }],
  ['input_audio_buffer.speech_started', { audio_start_ms: 'integer', item_id: 'string' }],
  ['input_audio_buffer.speech_stopped', { audio_end_ms: 'integer', item_id: 'string' }],
  ['input_audio_buffer.committed', { item_id: 'string' }],
  ['input_audio_buffer.cleared', {}],
  ['conversation.item.input_audio_transcription.delta', { item_id: 'string' }],
  ['conversation.item.input_audio_transcription.completed', { item_id: 'string', content_index: 'integer', transcript: 'string' }],
  ['conversation.item.input_audio_transcription.failed', { item_id: 'string', error: 'object' }],
  ['response.created', { response: RESPONSE }],
  ['response.done', { response: RESPONSE }],
  ['response.output_item.added', { response_id: 'string', output_index: 'integer', item: ITEM }],
  ['response.output_item.done', { response_id: 'string', output_index: 'integer', item: ITEM }],
  ['response.content_part.added', { ...AUDIO_PART, part: 'object' }],
  ['response.content_part.done', { ...AUDIO_PART, part: 'object' }],
  ['response.output_audio.delta', { ...AUDIO_PART, delta: 'string' }],
  ['response.output_audio.done', AUDIO_PART],
  ['response.output_audio_transcript.delta', { ...AUDIO_PART, delta: 'string' }],
  ['response.output_audio_transcript.done', { ...AUDIO_PART, transcript: 'string' }],
  ['response.output_text.delta', { ...AUDIO_PART, delta: 'string' }],
  ['response.output_text.done', { ...AUDIO_PART, text: 'string' }],
  ['response.function_call_arguments.delta', { response_id: 'string', item_id: 'string', call_id: 'string', delta: 'string' }],
  ['response.function_call_arguments.done', { response_id: 'string', item_id: 'string', call_id: 'string', name: 'string', arguments: 'string' }],
  ['rate_limits.updated', { rate_limits: 'array' }],
]);

/** Type names of the server events `parseServerEvent` types; everything else is `unknown`. */
export const HANDLED_SERVER_EVENT_TYPES: readonly ServerEventType[] = [...SERVER_EVENT_SHAPES.keys()] as ServerEventType[];

/**
 * Parses one frame from the Realtime API. Never throws. A handled event is
 * returned as the parsed object itself (no copy), so the engine reads fields
 * straight off it.
 */
export function parseServerEvent(data: unknown): ParsedServerEvent {
  const parsed = parseJsonObject(data);
  if (typeof parsed === 'string') return invalid(parsed);
  const type = parsed.type;
  if (typeof type !== 'string') return invalid('the event has no string "type"', parsed);
  const shape = SERVER_EVENT_SHAPES.get(type);
  if (shape === undefined) return { type: 'unknown', raw: parsed as UnknownServerEvent['raw'] };
  const problem = checkShape(parsed, shape);
  if (problem) return invalid(`${type}: ${describeShapeProblem(problem)}`, parsed);
  return parsed as unknown as ServerEvent;
}

function invalid(message: string, raw?: JsonObject): InvalidServerEvent {
  return raw === undefined
    ? { type: 'invalid', error: { code: 'REALTIME_EVENT_INVALID', message } }
    : { type: 'invalid', error: { code: 'REALTIME_EVENT_INVALID', message }, raw };
}
