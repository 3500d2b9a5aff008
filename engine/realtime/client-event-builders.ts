/**
 * Builders for every client event Parley sends to the OpenAI Realtime API, in
 * the GA shapes (tests check each against the official schema). They return
 * plain typed objects; send them with `JSON.stringify`. The per-frame audio
 * path has a string builder, `appendAudioMessage`, that skips the object.
 */
import type {
  ConversationItemCreateEvent,
  ConversationItemDeleteEvent,
  ConversationItemRetrieveEvent,
  ConversationItemTruncateEvent,
  InputAudioBufferAppendEvent,
  InputAudioBufferClearEvent,
  InputAudioBufferCommitEvent,
  RealtimeAudioFormats,
  RealtimeAudioInputTurnDetection,
  RealtimeSessionCreateRequest,
  ResponseCancelEvent,
  ResponseCreateEvent,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { AudioEncoding } from '../audio/audio-format.js';
import type { ToolSpec } from '../interpreter/call-types.js';
import type { TurnDetection } from '../types/flow.generated.js';

/** How a tool may be chosen: the API's `tool_choice`. */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/** Caller transcription settings (`audio.input.transcription`). */
export interface TranscriptionSettings {
  /** e.g. `gpt-4o-mini-transcribe`, `whisper-1`. */
  model?: string;
  /** BCP 47 language of the caller, e.g. `en`. */
  language?: string;
  /** Words to expect (names, products). */
  prompt?: string;
}

/** Everything a stage entry puts into the session, in Parley's terms. */
export interface SessionSettings {
  instructions: string;
  tools: readonly ToolSpec[];
  toolChoice?: ToolChoice;
  /** Realtime model; fixed for the call. */
  model?: string;
  /**
   * Voice; send it before the first audio only: the API refuses a voice in any
   * `session.update` once the assistant has spoken.
   */
  voice?: string;
  /** The flow's turn detection; `null` turns VAD off (Parley then commits audio itself); omitted leaves it as is. */
  turnDetection?: TurnDetection | null;
  /** Whether the API answers by itself when the caller stops speaking (`create_response`). Omitted: the API default (true). */
  createResponse?: boolean;
  /** Caller transcription; omitted leaves it as is (off in a new session). */
  transcription?: TranscriptionSettings;
  noiseReduction?: 'near_field' | 'far_field';
  /** Default `audio`. */
  outputModality?: 'audio' | 'text';
  maxOutputTokens?: number | 'inf';
  /** Audio format both ways. Default `audio/pcmu` (Twilio's μ-law, relayed untouched). */
  audioFormat?: AudioEncoding;
}

/** Optional `event_id` for any client event: the API echoes it in `error.event_id` when the event fails. */
export interface EventIdOption {
  eventId?: string;
}

function withEventId<T extends { event_id?: string }>(event: T, options?: EventIdOption): T {
  if (options?.eventId !== undefined) event.event_id = options.eventId;
  return event;
}

/** The GA `audio/*` format object for an encoding. */
export function audioFormat(encoding: AudioEncoding): RealtimeAudioFormats {
  return encoding === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: encoding };
}

/** Maps the flow's turn detection to the API's `audio.input.turn_detection`. */
export function turnDetectionConfig(turn: TurnDetection, createResponse?: boolean): RealtimeAudioInputTurnDetection {
  if (turn.type === 'semantic_vad') {
    return {
      type: 'semantic_vad',
      ...(turn.eagerness !== undefined ? { eagerness: turn.eagerness } : {}),
      ...(createResponse !== undefined ? { create_response: createResponse } : {}),
      ...(turn.interruptible !== undefined ? { interrupt_response: turn.interruptible } : {}),
    };
  }
  return {
    type: 'server_vad',
    ...(turn.threshold !== undefined ? { threshold: turn.threshold } : {}),
    ...(turn.prefixPaddingMs !== undefined ? { prefix_padding_ms: turn.prefixPaddingMs } : {}),
    ...(turn.silenceMs !== undefined ? { silence_duration_ms: turn.silenceMs } : {}),
    ...(createResponse !== undefined ? { create_response: createResponse } : {}),
    ...(turn.interruptible !== undefined ? { interrupt_response: turn.interruptible } : {}),
  };
}

/** `session.update` in the GA shape: `session: { type: 'realtime', model, instructions, audio: { input, output }, tools, … }`. */
export function sessionUpdate(settings: SessionSettings, options?: EventIdOption): SessionUpdateEvent {
  const format = audioFormat(settings.audioFormat ?? 'audio/pcmu');
  const input: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['input']> = { format };
  if (settings.turnDetection !== undefined) {
    input.turn_detection = settings.turnDetection === null ? null : turnDetectionConfig(settings.turnDetection, settings.createResponse);
  }
  if (settings.transcription !== undefined) input.transcription = { ...settings.transcription };
  if (settings.noiseReduction !== undefined) input.noise_reduction = { type: settings.noiseReduction };
  const output: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['output']> = { format };
  if (settings.voice !== undefined) output.voice = settings.voice;
  const session: RealtimeSessionCreateRequest = {
    type: 'realtime',
    ...(settings.model !== undefined ? { model: settings.model } : {}),
    instructions: settings.instructions,
    output_modalities: [settings.outputModality ?? 'audio'],
    audio: { input, output },
    tools: settings.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters })),
    tool_choice: settings.toolChoice ?? 'auto',
    ...(settings.maxOutputTokens !== undefined ? { max_output_tokens: settings.maxOutputTokens } : {}),
  };
  return withEventId<SessionUpdateEvent>({ type: 'session.update', session }, options);
}

/** `input_audio_buffer.append` with a base64 payload (a Twilio `media.payload` goes in as is). */
export function appendAudio(payload: string, options?: EventIdOption): InputAudioBufferAppendEvent {
  return withEventId<InputAudioBufferAppendEvent>({ type: 'input_audio_buffer.append', audio: payload }, options);
}

/**
 * `input_audio_buffer.append`, serialised: the per-frame path. Same JSON as
 * `JSON.stringify(appendAudio(payload))` without building the object.
 */
export function appendAudioMessage(payload: string): string {
  return '{"type":"input_audio_buffer.append","audio":' + JSON.stringify(payload) + '}';
}

/** `input_audio_buffer.commit`: ends the caller's turn when turn detection is off. */
export function commitAudio(options?: EventIdOption): InputAudioBufferCommitEvent {
  return withEventId<InputAudioBufferCommitEvent>({ type: 'input_audio_buffer.commit' }, options);
}

/** `input_audio_buffer.clear`: drops caller audio not yet committed. */
export function clearAudio(options?: EventIdOption): InputAudioBufferClearEvent {
  return withEventId<InputAudioBufferClearEvent>({ type: 'input_audio_buffer.clear' }, options);
}

/** Where a created item goes: after `previousItemId` (`'root'` = first), else at the end. */
export interface ItemPlacement extends EventIdOption {
  previousItemId?: string;
  /**
   * The item's id, chosen by the client (the API takes one; up to 32
   * characters, unique in the conversation), e.g. `parley_u12`. Default: the
   * server picks one.
   */
  itemId?: string;
}

function createItem(item: ConversationItemCreateEvent['item'], options?: ItemPlacement): ConversationItemCreateEvent {
  if (options?.itemId !== undefined) item = { ...item, id: options.itemId };
  const event: ConversationItemCreateEvent = { type: 'conversation.item.create', item };
  if (options?.previousItemId !== undefined) event.previous_item_id = options.previousItemId;
  return withEventId(event, options);
}

/** A tool's result for the model: `conversation.item.create` of a `function_call_output`. Non-strings are sent as JSON. */
export function functionCallOutput(callId: string, output: unknown, options?: ItemPlacement): ConversationItemCreateEvent {
  const text = typeof output === 'string' ? output : JSON.stringify(output ?? null);
  return createItem({ type: 'function_call_output', call_id: callId, output: text }, options);
}

/**
 * A function call in the conversation (`conversation.item.create` of a
 * `function_call`): how a reconnect replays a call the model made, so its
 * `function_call_output` still has a call to answer.
 */
export function functionCallItem(callId: string, name: string, args: string, options?: ItemPlacement): ConversationItemCreateEvent {
  return createItem({ type: 'function_call', call_id: callId, name, arguments: args }, options);
}

/**
 * A text message in the conversation (`conversation.item.create`): how a
 * reconnect replays the conversation, and how a caller turn typed as text
 * reaches the model (a `user` message of `input_text`).
 */
export function textMessage(role: 'user' | 'assistant' | 'system', text: string, options?: ItemPlacement): ConversationItemCreateEvent {
  if (role === 'assistant') return createItem({ type: 'message', role, content: [{ type: 'output_text', text }] }, options);
  return createItem({ type: 'message', role, content: [{ type: 'input_text', text }] }, options);
}

/** Per-response overrides of `response.create`. */
export interface ResponseOptions extends EventIdOption {
  /** Instructions for this response only (they replace the session's). */
  instructions?: string;
  tools?: readonly ToolSpec[];
  toolChoice?: ToolChoice;
  outputModality?: 'audio' | 'text';
  /** Up to 16 string pairs, echoed on `response.created` / `response.done` (e.g. the stage and the reason). */
  metadata?: Record<string, string>;
  /** Out of band: the response is not added to the conversation and may run beside the active one. */
  outOfBand?: boolean;
}

/** `response.create`: ask the model to respond now. */
export function responseCreate(options: ResponseOptions = {}): ResponseCreateEvent {
  const response: NonNullable<ResponseCreateEvent['response']> = {};
  if (options.instructions !== undefined) response.instructions = options.instructions;
  if (options.tools !== undefined) {
    response.tools = options.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters }));
  }
  if (options.toolChoice !== undefined) response.tool_choice = options.toolChoice;
  if (options.outputModality !== undefined) response.output_modalities = [options.outputModality];
  if (options.metadata !== undefined) response.metadata = { ...options.metadata };
  if (options.outOfBand) response.conversation = 'none';
  const event: ResponseCreateEvent = { type: 'response.create' };
  if (Object.keys(response).length > 0) event.response = response;
  return withEventId(event, options);
}

/** `response.cancel`: stop the active response (or the one named). */
export function responseCancel(responseId?: string, options?: EventIdOption): ResponseCancelEvent {
  const event: ResponseCancelEvent = { type: 'response.cancel' };
  if (responseId !== undefined) event.response_id = responseId;
  return withEventId(event, options);
}

/**
 * `conversation.item.truncate`: after a barge-in, cut the assistant item's
 * audio at what the caller heard (milliseconds, whole, never negative).
 */
export function truncate(itemId: string, audioEndMs: number, options?: EventIdOption & { contentIndex?: number }): ConversationItemTruncateEvent {
  const audio_end_ms = Math.max(0, Math.floor(audioEndMs));
  return withEventId<ConversationItemTruncateEvent>({ type: 'conversation.item.truncate', item_id: itemId, content_index: options?.contentIndex ?? 0, audio_end_ms }, options);
}

/** `conversation.item.delete` (history strategy `reset`, or an unplayed item). */
export function deleteItem(itemId: string, options?: EventIdOption): ConversationItemDeleteEvent {
  return withEventId<ConversationItemDeleteEvent>({ type: 'conversation.item.delete', item_id: itemId }, options);
}

/** `conversation.item.retrieve`: ask for an item as the server holds it. */
export function retrieveItem(itemId: string, options?: EventIdOption): ConversationItemRetrieveEvent {
  return withEventId<ConversationItemRetrieveEvent>({ type: 'conversation.item.retrieve', item_id: itemId }, options);
}
