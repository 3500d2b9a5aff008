/**
 * One connection to the fake realtime server: the session's state on one
 * object, and one `switch` over the client events with one named handler per
 * case, answering as the GA Realtime API does.
 */
import type { WebSocket } from 'ws';
import { bytesPerMsOf } from '../audio/audio-format.js';
import type { ParsedClientEvent } from '../realtime/parse-client-event.js';
import { parseClientEvent } from '../realtime/parse-client-event.js';
import { type ApiError, invalidType, invalidValue, isObject, missingParameter } from './api-validation.js';
import type { ConversationScript, ModelTurn, Responder, ResponderContext } from './conversation-script.js';
import { Conversation, type StoredItem, checkNewItem } from './fake-conversation.js';
import { fakeId } from './fake-ids.js';
import { ResponseRun, type OutgoingEvent, type ResponseHost, type ResponseSettings } from './fake-response.js';
import { type FakeSessionObject, applySessionUpdate, defaultSession, vadSettingsOf, voiceOf } from './fake-session-config.js';
import { ServerVad } from './server-vad.js';
import type { AudioPacing } from './conversation-script.js';

/** Something the fake noticed that the real API would not have complained about, but a test should know. */
export interface FakeIssue {
  sessionId: string;
  kind:
    | 'response-before-caller-line'
    | 'response-before-tool-output'
    | 'tool-not-offered'
    | 'script-exhausted'
    | 'responder-threw'
    | 'orphan-tool-output';
  message: string;
}

/** When a caller turn's transcript arrives, relative to the response the server starts for it. */
export type TranscriptTiming = 'before-response' | 'after-response-created' | 'after-response-done';

/** How a connection authenticated. */
export interface FakeAuth {
  /** Whether an API key came with the connection. */
  present: boolean;
  /** `bearer` (Authorization header) or `subprotocol` (`openai-insecure-api-key.…`, as browsers send it). */
  via?: 'bearer' | 'subprotocol';
  /** The key itself: test keys only, never logged. */
  key?: string;
}

/** What the server passes to each connection. */
export interface SessionContext {
  id: string;
  index: number;
  model: string;
  auth: FakeAuth;
  /** Request path and query, e.g. `/v1/realtime?model=gpt-realtime`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  script: ConversationScript | undefined;
  responder: Responder | undefined;
  outOfBandResponder: Responder;
  pacing: AudioPacing;
  chunkMs: number;
  msPerChar: number;
  transcriptTiming: TranscriptTiming;
  transcribe: ((turn: { index: number; durationMs: number }) => string) | undefined;
  record(sessionId: string, direction: 'client' | 'server', event: unknown): void;
  reportIssue(issue: FakeIssue): void;
  whenGateOpen(gate: string, onOpen: () => void): () => void;
}

/** Reply when there is neither a script nor a responder. */
export const DEFAULT_REPLY = 'Okay.';
// The API refuses to commit less than this much audio.
const MIN_COMMIT_MS = 100;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One connection: its session, conversation, VAD and responses. */
export class FakeRealtimeSession implements ResponseHost {
  readonly conversation = new Conversation();
  readonly conversationId = fakeId('conv');
  /** The session as the last `session.created` / `session.updated` reported it. */
  state: FakeSessionObject;
  activeResponse: ResponseRun | null = null;
  readonly outOfBandResponses = new Set<ResponseRun>();
  /** Whether the assistant has produced audio (the voice is then locked). */
  assistantAudioPresent = false;
  /** Number of responses started. */
  responseCount = 0;
  /** Caller turns committed. */
  callerTurns = 0;
  closed = false;
  closeCode: number | undefined;
  closeReason: string | undefined;
  /** Resolves when the socket closes. */
  readonly whenClosed: Promise<{ code: number; reason: string }>;

  private vad: ServerVad | null = null;
  private audioMs = 0;
  private committedAtMs = 0;
  private pendingUserItemId: string | null = null;
  private lastCallerTranscript: string | undefined;
  private readonly assistantAudio = new Map<string, { audioMs: number; transcript: string }>();
  private readonly stepOfResponse = new Map<string, number>();
  private resolveClosed!: (value: { code: number; reason: string }) => void;

  constructor(
    private readonly ws: WebSocket,
    readonly context: SessionContext,
  ) {
    this.state = defaultSession(context.id, context.model, Math.floor(Date.now() / 1000));
    this.whenClosed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.configureVad();
    ws.on('message', (data) => this.handleMessage(data));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', () => undefined);
    this.send({ type: 'session.created', session: this.state });
  }

  get id(): string {
    return this.context.id;
  }

  /** The session's current settings, in short: what a stage entry should have set. */
  get settings(): {
    instructions: string;
    tools: Array<Record<string, unknown>>;
    toolNames: string[];
    toolChoice: unknown;
    voice: string;
    model: string;
    outputModality: 'audio' | 'text';
    inputFormat: string;
    outputFormat: string;
    turnDetection: Record<string, unknown> | null;
    transcription: Record<string, unknown> | undefined;
  } {
    const state = this.state;
    return {
      instructions: state.instructions,
      tools: state.tools,
      toolNames: state.tools.map((t) => String(t.name)),
      toolChoice: state.tool_choice,
      voice: voiceOf(state),
      model: state.model,
      outputModality: state.output_modalities[0] === 'text' ? 'text' : 'audio',
      inputFormat: state.audio.input.format.type,
      outputFormat: state.audio.output.format.type,
      turnDetection: state.audio.input.turn_detection,
      transcription: state.audio.input.transcription,
    };
  }

  /** Ends the connection without a close frame, as a network failure does. */
  drop(): void {
    this.ws.terminate();
  }

  /** Closes the connection with a close frame. */
  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  // ResponseHost

  send(event: OutgoingEvent): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    const full = { event_id: fakeId('event'), ...event };
    this.ws.send(JSON.stringify(full));
    this.context.record(this.id, 'server', full);
  }

  assistantAudioProduced(itemId: string, audioMs: number, transcript: string): void {
    this.assistantAudioPresent = true;
    this.assistantAudio.set(itemId, { audioMs, transcript });
  }

  responseEnded(run: ResponseRun): void {
    if (this.activeResponse === run) this.activeResponse = null;
    this.outOfBandResponses.delete(run);
    const step = this.stepOfResponse.get(run.id);
    if (step !== undefined) this.context.script?.finishAgentStep(step, run.status, run.audioMs);
  }

  killConnection(failure: { kind: 'drop' } | { kind: 'close'; code: number; reason: string }): void {
    if (failure.kind === 'drop') this.drop();
    else this.close(failure.code, failure.reason);
  }

  whenGateOpen(gate: string, onOpen: () => void): () => void {
    return this.context.whenGateOpen(gate, onOpen);
  }

  // The socket: one switch, one handler per event type.

  handleMessage(data: unknown): void {
    const event = parseClientEvent(data);
    this.context.record(this.id, 'client', event);
    switch (event.type) {
      case 'session.update':
        return this.onSessionUpdate(event);
      case 'input_audio_buffer.append':
        return this.onAudioAppend(event);
      case 'input_audio_buffer.commit':
        return this.onAudioCommit(event);
      case 'input_audio_buffer.clear':
        return this.onAudioClear(event);
      case 'conversation.item.create':
        return this.onItemCreate(event);
      case 'conversation.item.truncate':
        return this.onItemTruncate(event);
      case 'conversation.item.delete':
        return this.onItemDelete(event);
      case 'conversation.item.retrieve':
        return this.onItemRetrieve(event);
      case 'response.create':
        return this.onResponseCreate(event);
      case 'response.cancel':
        return this.onResponseCancel(event);
      case 'unknown':
        return this.onUnknownEvent(event);
      case 'invalid':
        return this.onInvalidEvent(event);
    }
  }

  private onSessionUpdate(event: Extract<ParsedClientEvent, { type: 'session.update' }>): void {
    const result = applySessionUpdate(this.state, event.session, { assistantAudioPresent: this.assistantAudioPresent });
    if (!result.ok) return this.sendError(result.error, event.event_id);
    this.state = result.session;
    this.configureVad();
    this.send({ type: 'session.updated', session: this.state });
  }

  private onAudioAppend(event: Extract<ParsedClientEvent, { type: 'input_audio_buffer.append' }>): void {
    if (event.audio.length % 4 !== 0 || !BASE64.test(event.audio)) {
      return this.sendError({ type: 'invalid_request_error', code: 'invalid_value', message: "Invalid 'audio'. Expected base64-encoded audio bytes.", param: 'audio' }, event.event_id);
    }
    const bytes = Buffer.from(event.audio, 'base64');
    this.audioMs += bytes.length / bytesPerMsOf(this.state.audio.input.format.type);
    this.vad?.write(bytes);
  }

  private onAudioCommit(event: Extract<ParsedClientEvent, { type: 'input_audio_buffer.commit' }>): void {
    const buffered = this.audioMs - this.committedAtMs;
    if (buffered < MIN_COMMIT_MS) {
      return this.sendError(
        {
          type: 'invalid_request_error',
          code: 'input_audio_buffer_commit_empty',
          message: `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${buffered.toFixed(2)}ms of audio.`,
          param: null,
        },
        event.event_id,
      );
    }
    this.commitCallerTurn('client');
  }

  private onAudioClear(_event: Extract<ParsedClientEvent, { type: 'input_audio_buffer.clear' }>): void {
    this.vad?.reset();
    this.committedAtMs = this.audioMs;
    this.pendingUserItemId = null;
    this.send({ type: 'input_audio_buffer.cleared' });
  }

  private onItemCreate(event: Extract<ParsedClientEvent, { type: 'conversation.item.create' }>): void {
    const problem = checkNewItem(event.item);
    if (problem) return this.sendError(problem, event.event_id);
    const given = event.item as unknown as Record<string, unknown>;
    const id = typeof given.id === 'string' ? given.id : fakeId('item');
    if (this.conversation.get(id)) return this.sendError(notFoundOr('item.id', `Item with id '${id}' already exists.`), event.event_id);
    const item: StoredItem = { ...structuredClone(given), id, object: 'realtime.item', type: String(given.type), status: 'completed' };
    if (item.type === 'function_call_output' && !this.conversation.hasCall(String(item.call_id))) {
      this.context.reportIssue({ sessionId: this.id, kind: 'orphan-tool-output', message: `function_call_output for call_id ${String(item.call_id)}, which is not a function call in the conversation` });
    }
    const placed = this.conversation.add(item, event.previous_item_id);
    if (!placed) return this.sendError(notFoundOr('previous_item_id', `Previous item with id '${String(event.previous_item_id)}' not found.`), event.event_id);
    this.send({ type: 'conversation.item.added', previous_item_id: placed.previousItemId, item: structuredClone(item) });
    this.send({ type: 'conversation.item.done', previous_item_id: placed.previousItemId, item: structuredClone(item) });
  }

  private onItemTruncate(event: Extract<ParsedClientEvent, { type: 'conversation.item.truncate' }>): void {
    const item = this.conversation.get(event.item_id);
    if (!item) return this.sendError(notFoundOr('item_id', `Item with item_id '${event.item_id}' not found.`), event.event_id);
    const audio = this.assistantAudio.get(item.id);
    if (!audio) {
      return this.sendError({ type: 'invalid_request_error', code: 'unsupported_content_type', message: 'Only model output audio messages can be truncated', param: null }, event.event_id);
    }
    if (event.content_index !== 0) return this.sendError(invalidValue('content_index', event.content_index, [0]), event.event_id);
    if (event.audio_end_ms > audio.audioMs) {
      return this.sendError(
        { type: 'invalid_request_error', code: 'invalid_value', message: `Audio content of ${Math.round(audio.audioMs)}ms is already shorter than ${event.audio_end_ms}ms`, param: 'audio_end_ms' },
        event.event_id,
      );
    }
    // What the caller heard: the transcript up to the audio played (speech length follows the text).
    const heard = audio.transcript.slice(0, Math.floor(event.audio_end_ms / this.context.msPerChar));
    audio.audioMs = event.audio_end_ms;
    item.content = [{ type: 'output_audio', transcript: heard }];
    this.send({ type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: event.audio_end_ms });
  }

  private onItemDelete(event: Extract<ParsedClientEvent, { type: 'conversation.item.delete' }>): void {
    if (!this.conversation.remove(event.item_id)) return this.sendError(notFoundOr('item_id', `Item with item_id '${event.item_id}' not found.`), event.event_id);
    this.assistantAudio.delete(event.item_id);
    this.send({ type: 'conversation.item.deleted', item_id: event.item_id });
  }

  private onItemRetrieve(event: Extract<ParsedClientEvent, { type: 'conversation.item.retrieve' }>): void {
    const item = this.conversation.get(event.item_id);
    if (!item) return this.sendError(notFoundOr('item_id', `Item with item_id '${event.item_id}' not found.`), event.event_id);
    this.send({ type: 'conversation.item.retrieved', item: structuredClone(item) });
  }

  private onResponseCreate(event: Extract<ParsedClientEvent, { type: 'response.create' }>): void {
    this.startResponse('client', event.response as Record<string, unknown> | undefined, event.event_id);
  }

  private onResponseCancel(event: Extract<ParsedClientEvent, { type: 'response.cancel' }>): void {
    const target =
      event.response_id === undefined
        ? this.activeResponse
        : [this.activeResponse, ...this.outOfBandResponses].find((run) => run?.id === event.response_id);
    if (!target?.active) {
      return this.sendError({ type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', param: null }, event.event_id);
    }
    target.cancel('client_cancelled');
  }

  private onUnknownEvent(event: Extract<ParsedClientEvent, { type: 'unknown' }>): void {
    const supported = ['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', 'response.cancel'];
    this.sendError(invalidValue('type', event.raw.type, supported), typeof event.raw.event_id === 'string' ? event.raw.event_id : undefined);
  }

  private onInvalidEvent(event: Extract<ParsedClientEvent, { type: 'invalid' }>): void {
    const { error, raw } = event;
    const eventId = typeof raw?.event_id === 'string' ? raw.event_id : undefined;
    if (error.reason === 'json') {
      return this.sendError({ type: 'invalid_request_error', code: 'invalid_json', message: `The server could not parse the event as a JSON object: ${error.message}.`, param: null }, eventId);
    }
    const param = error.param ?? 'type';
    if (error.reason === 'missing') return this.sendError(missingParameter(param), eventId);
    const words: Record<string, string> = { string: 'a string', integer: 'an integer', object: 'an object', number: 'a decimal', array: 'an array', boolean: 'a boolean' };
    this.sendError(invalidType(param, words[error.expected ?? ''] ?? 'another type', raw?.[param]), eventId);
  }

  // Caller turns (server VAD)

  private configureVad(): void {
    const settings = vadSettingsOf(this.state);
    const encoding = this.state.audio.input.format.type;
    if (!settings) {
      this.vad = null;
      return;
    }
    if (this.vad) this.vad.configure(encoding, settings);
    else this.vad = new ServerVad(encoding, settings, { speechStarted: (ms) => this.onSpeechStarted(ms), speechStopped: (ms) => this.onSpeechStopped(ms) });
  }

  private onSpeechStarted(audioStartMs: number): void {
    this.pendingUserItemId = fakeId('item');
    this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(audioStartMs), item_id: this.pendingUserItemId });
    const settings = vadSettingsOf(this.state);
    if (settings?.interruptResponse && this.activeResponse?.active) this.activeResponse.cancel('turn_detected');
  }

  private onSpeechStopped(audioEndMs: number): void {
    const itemId = this.pendingUserItemId ?? fakeId('item');
    this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(audioEndMs), item_id: itemId });
    this.commitCallerTurn('vad', itemId);
  }

  /** Commits the buffered audio as a user item, transcribes it, and (after VAD) may answer it. */
  private commitCallerTurn(trigger: 'vad' | 'client', itemId = this.pendingUserItemId ?? fakeId('item')): void {
    const durationMs = this.audioMs - this.committedAtMs;
    this.pendingUserItemId = null;
    this.committedAtMs = this.audioMs;
    this.vad?.reset();
    const item: StoredItem = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio' }] };
    const placed = this.conversation.add(item)!;
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: placed.previousItemId, item_id: item.id });
    this.send({ type: 'conversation.item.added', previous_item_id: placed.previousItemId, item: structuredClone(item) });
    this.send({ type: 'conversation.item.done', previous_item_id: placed.previousItemId, item: structuredClone(item) });

    const turn = this.callerTurns++;
    const line = this.context.script?.takeCallerLine();
    const transcript = line ? (line.step.action.transcript ?? line.step.action.say) : (this.context.transcribe?.({ index: turn, durationMs }) ?? '');
    // The model hears the audio whether or not transcription is on.
    this.lastCallerTranscript = transcript;
    const transcribe = () => this.transcribe(item, transcript, line?.step.action.transcriptionFails === true);

    const settings = vadSettingsOf(this.state);
    if (trigger !== 'vad' || !settings?.createResponse || this.activeResponse?.active) return transcribe();
    switch (this.context.transcriptTiming) {
      case 'before-response':
        transcribe();
        this.startResponse('vad', undefined, undefined);
        return;
      case 'after-response-created':
        if (!this.startResponse('vad', undefined, undefined, { afterCreated: transcribe })) transcribe();
        return;
      case 'after-response-done':
        if (!this.startResponse('vad', undefined, undefined, { afterDone: transcribe })) transcribe();
        return;
    }
  }

  /** Transcription events for a caller turn, when the session has transcription on (as the API does). */
  private transcribe(item: StoredItem, transcript: string, fails: boolean): void {
    const config = this.state.audio.input.transcription;
    if (!config || !this.conversation.get(item.id)) return;
    if (fails) {
      this.send({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: item.id,
        content_index: 0,
        error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'The audio could not be transcribed.' },
      });
      return;
    }
    for (const delta of transcript.match(/\S+\s*/g) ?? []) {
      this.send({ type: 'conversation.item.input_audio_transcription.delta', item_id: item.id, content_index: 0, delta });
    }
    const words = transcript.split(/\s+/).filter(Boolean).length;
    const usage =
      config.model === 'whisper-1'
        ? { type: 'duration', seconds: Math.max(1, Math.round(transcript.length * this.context.msPerChar) / 1000) }
        : { type: 'tokens', input_tokens: words * 4, output_tokens: words, total_tokens: words * 5 };
    this.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: item.id, content_index: 0, transcript, usage });
    item.content = [{ type: 'input_audio', transcript }];
  }

  // Responses

  /** Starts a response for `response.create` or a caller turn. Returns false if none started. */
  private startResponse(
    trigger: 'client' | 'vad',
    request: Record<string, unknown> | undefined,
    clientEventId: string | undefined,
    hooks: Pick<ResponseSettings, 'afterCreated' | 'afterDone'> = {},
  ): boolean {
    const outOfBand = request?.conversation === 'none';
    if (!outOfBand && this.activeResponse?.active) {
      if (trigger === 'client') {
        this.sendError(
          {
            type: 'invalid_request_error',
            code: 'conversation_already_has_active_response',
            message: `Conversation already has an active response in progress: ${this.activeResponse.id}. Wait until the response is finished before creating a new one.`,
            param: null,
          },
          clientEventId,
        );
      }
      return false;
    }
    const id = fakeId('resp');
    const context = this.responderContext(trigger, request, outOfBand);
    const turn = this.decideTurn(id, context, trigger, outOfBand);
    if (turn === undefined) return false;
    const outputEncoding = this.state.audio.output.format.type;
    const run = new ResponseRun(
      this,
      {
        turn,
        outOfBand,
        outputModality: context.session.outputModality,
        outputEncoding,
        voice: context.session.voice,
        maxOutputTokens: this.state.max_output_tokens,
        ...(isObject(request?.metadata) ? { metadata: request.metadata } : {}),
        pacing: this.context.pacing,
        chunkMs: this.context.chunkMs,
        msPerChar: this.context.msPerChar,
        inputTextChars: context.session.instructions.length + JSON.stringify(this.conversation.items).length,
        ...hooks,
      },
      id,
      this.conversationId,
    );
    if (outOfBand) this.outOfBandResponses.add(run);
    else this.activeResponse = run;
    this.responseCount++;
    run.start();
    return true;
  }

  private decideTurn(responseId: string, context: ResponderContext, trigger: 'client' | 'vad', outOfBand: boolean): ModelTurn | undefined {
    const script = this.context.script;
    let turn: ModelTurn;
    try {
      if (outOfBand) {
        turn = this.context.outOfBandResponder(context);
      } else {
        const taken = script?.takeAgentStep(responseId);
        if (taken) {
          this.stepOfResponse.set(responseId, taken.index);
          const unheard = script!.unheardLinesBefore(taken.index);
          if (unheard.length > 0) {
            this.issue('response-before-caller-line', `response ${responseId} (${trigger}) took step ${taken.index} (${taken.step.label}) before caller line(s) ${unheard.join(', ')} were heard`);
          }
          turn = typeof taken.step.turn === 'function' ? taken.step.turn(context) : taken.step.turn;
        } else if (this.context.responder) {
          turn = this.context.responder(context);
        } else if (script) {
          this.issue('script-exhausted', `response ${responseId} (${trigger}) has no agent step left in the script:\n${script.describe()}`);
          turn = {};
        } else {
          turn = { say: DEFAULT_REPLY };
        }
      }
    } catch (error) {
      this.issue('responder-threw', `responder for ${responseId} threw: ${error instanceof Error ? error.message : String(error)}`);
      this.sendError({ type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', param: null }, undefined);
      return undefined;
    }
    if (!outOfBand) {
      const pending = this.conversation.callsWithoutOutput();
      if (trigger === 'client' && pending.length > 0) {
        this.issue('response-before-tool-output', `response.create (${responseId}) while function call(s) ${pending.join(', ')} have no function_call_output`);
      }
    }
    for (const call of turn.calls ?? []) {
      if (!context.session.toolNames.includes(call.name)) {
        this.issue('tool-not-offered', `response ${responseId} calls ${call.name}, which the session does not offer (tools: ${context.session.toolNames.join(', ') || 'none'})`);
      }
    }
    return turn;
  }

  private responderContext(trigger: 'client' | 'vad', request: Record<string, unknown> | undefined, outOfBand: boolean): ResponderContext {
    const tools = (Array.isArray(request?.tools) ? request.tools : this.state.tools) as ResponderContext['session']['tools'];
    const modalities = Array.isArray(request?.output_modalities) ? request.output_modalities : this.state.output_modalities;
    const requestVoice = isObject(request?.audio) && isObject(request.audio.output) ? request.audio.output.voice : undefined;
    return {
      session: {
        instructions: typeof request?.instructions === 'string' ? request.instructions : this.state.instructions,
        tools,
        toolNames: tools.map((t) => t.name).filter((n): n is string => typeof n === 'string'),
        voice: typeof requestVoice === 'string' ? requestVoice : voiceOf(this.state),
        model: this.state.model,
        outputModality: modalities[0] === 'text' ? 'text' : 'audio',
      },
      conversation: this.conversation.items.map((item) => structuredClone(item)),
      lastCallerTranscript: this.lastCallerTranscript,
      trigger,
      request,
      responseIndex: this.responseCount,
      outOfBand,
    };
  }

  private issue(kind: FakeIssue['kind'], message: string): void {
    this.context.reportIssue({ sessionId: this.id, kind, message });
  }

  private sendError(error: ApiError, clientEventId: string | undefined): void {
    this.send({ type: 'error', error: { ...error, event_id: clientEventId ?? null } });
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.closeReason = reason;
    this.activeResponse?.abandon();
    for (const run of this.outOfBandResponses) run.abandon();
    this.resolveClosed({ code, reason });
  }
}

function notFoundOr(param: string, message: string): ApiError {
  return { type: 'invalid_request_error', code: 'invalid_value', message, param };
}
