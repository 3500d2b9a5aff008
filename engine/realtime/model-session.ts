/**
 * The model leg of a call: one WebSocket to the OpenAI Realtime API (GA) at
 * `${OPENAI_REALTIME_URL}?model=<model>`, `audio/pcmu` both ways. It keeps the
 * protocol state the CallSession sequences on, and nothing else:
 *
 * - `session.update` acknowledgements: each update carries an `event_id`; the
 *   next `session.updated` acknowledges the oldest update in flight (the API
 *   answers in order), an `error` echoing an update's `event_id` refuses it,
 *   and an update not answered within `sessionAckTimeoutMs` counts as a dead
 *   connection (reconnect).
 * - responses: every `response.create` carries `metadata.parley = <ref>`, which
 *   the API echoes on `response.created`, so each response is known from the
 *   moment it is asked for until its `response.done` (`responseInFlight`).
 *   Audio deltas of a cancelled response are dropped here.
 * - the conversation as items (messages with their text, function calls and
 *   outputs), for history strategies and for replay after a reconnect.
 *
 * Reconnects: an unexpected close (or an unanswered `session.update`) starts
 * one reconnect budget (`reconnectBudgetMs`, 2 s): connect again, send the
 * current stage's `session.update` (from `handlers.restore()`, the
 * interpreter's `reapplyStage()`), replay the conversation as items, and wait
 * for `session.updated`. Past the budget the session is `failed` and the
 * CallSession routes the flow to `onError`.
 *
 * Every frame goes through `parseServerEvent` (never throws) and one switch
 * with one named handler per case (STYLE §6). Caller audio is not sent until
 * the first `session.updated` of a connection: before it the API would read
 * μ-law as its default 24 kHz PCM.
 */
import { WebSocket } from 'ws';
import { MULAW_BYTES_PER_MS } from '../audio/mulaw.js';
import type { ModelCall } from '../interpreter/call-types.js';
import type { StateSignal } from '../util/state-signal.js';
import { createTickBatcher } from '../util/tick-batcher.js';
import {
  appendAudioMessage,
  deleteItem,
  functionCallItem,
  functionCallOutput,
  responseCancel,
  responseCreate,
  sessionUpdate,
  textMessage,
  truncate,
  type ResponseOptions,
  type SessionSettings,
} from './client-event-builders.js';
import { parseServerEvent, type ServerEvent } from './parse-server-event.js';

/** Where the model leg is. */
export type ModelSessionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

/** A conversation item as Parley remembers it (text only: audio is never kept). */
export interface TrackedItem {
  id: string;
  type: string;
  role?: 'user' | 'assistant' | 'system';
  /** Message text: the transcript for audio, the text for text parts; what was heard after a truncation. */
  text?: string;
  callId?: string;
  name?: string;
  arguments?: string;
  output?: string;
}

/** A response, from `response.create` (or the server) to `response.done`. */
export interface ModelResponse {
  id: string;
  /** Parley's reference (`metadata.parley`); undefined for a response the server started itself. */
  ref?: string;
  /** Why Parley asked for it: `stage`, `tools`, `reprompt`, `turn`, `filler`, … */
  purpose: string;
  outOfBand: boolean;
  status: 'active' | 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'lost';
  /** Parley cancelled it (barge-in): its late audio is dropped. */
  cancelled: boolean;
  /** Audio relayed, ms. */
  audioMs: number;
  /** Items that carried audio, in order. */
  audioItems: string[];
  /** Transcript of each audio item, once done. */
  transcripts: Map<string, string>;
  /** Function calls with complete arguments, in output order (filled at `response.done`). */
  calls: ModelCall[];
  /** `status_details.error` of a failed response. */
  error?: { type?: string; code?: string; message?: string };
}

/** A problem on the model leg, to record on the call. */
export interface ModelProblem {
  code: 'MODEL_ERROR' | 'REALTIME_EVENT_INVALID' | 'MODEL_SESSION_UPDATE_REFUSED';
  message: string;
  /** The API's error type and code, when it sent an `error`. */
  type?: string;
  apiCode?: string;
  param?: string;
  /** Minor: an expected race (cancelling a response that just finished). */
  minor?: boolean;
}

/** What the model leg tells its CallSession. */
export interface ModelSessionHandlers {
  /** Agent audio to play (base64 in the session's format), `ms` long. The hot path. */
  onAgentAudio(response: ModelResponse, itemId: string, payload: string, ms: number): void;
  onResponseCreated(response: ModelResponse): void;
  /** `response.done` — or `lost` when the connection died under it. */
  onResponseDone(response: ModelResponse): void;
  onSpeechStarted(itemId: string): void;
  onTurnCommitted(itemId: string): void;
  /** A caller item's transcript; null when transcription failed. */
  onCallerTranscript(itemId: string, transcript: string | null): void;
  onProblem(problem: ModelProblem): void;
  /** Connection life: `connected`, `reconnecting`, `reconnected`, `failed`. */
  onConnection(event: 'connected' | 'reconnecting' | 'reconnected' | 'failed', detail: { reason?: string; attempt?: number; ms?: number }): void;
  /** After a reconnect: the session settings of the stage the call is in (the interpreter's `reapplyStage()`). */
  restore(): SessionSettings;
}

/** How to reach the model and how long to wait for it. */
export interface ModelSessionOptions {
  /** `OPENAI_REALTIME_URL` (`ws://` or `wss://`), without the model. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never logged. */
  apiKey: string;
  handlers: ModelSessionHandlers;
  /** Notified on every change the CallSession may be waiting on. */
  signal: StateSignal;
  /** Longest wait for `session.updated` before the connection counts as dead. Default 3000 ms. */
  sessionAckTimeoutMs?: number;
  /** Reconnect (and first connect) budget, including the stage's `session.updated`. Default 2000 ms. */
  reconnectBudgetMs?: number;
  /** Most items replayed after a reconnect (the latest are kept). Default 100. */
  maxReplayItems?: number;
}

/** Default bound on a `session.updated`. */
export const SESSION_ACK_TIMEOUT_MS = 3000;
/** Default reconnect budget (DESIGN §3: re-apply and replay within 2 s). */
export const RECONNECT_BUDGET_MS = 2000;
/** First delay between connection attempts, doubling. */
const RETRY_DELAY_MS = 100;
/** Close code Parley uses when it ends the model leg. */
const NORMAL_CLOSE = 1000;

interface PendingAck {
  eventId: string;
  timer: NodeJS.Timeout;
}

interface PendingCreate {
  ref: string;
  eventId: string;
  purpose: string;
  outOfBand: boolean;
}

/** Bytes in base64 text, without decoding it. */
function base64Bytes(text: string): number {
  const length = text.length;
  if (length === 0) return 0;
  const padding = text.charCodeAt(length - 1) === 61 ? (text.charCodeAt(length - 2) === 61 ? 2 : 1) : 0;
  return (length * 3) / 4 - padding;
}

/** The text of an item's content parts (`text` or `transcript`). */
function textOf(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (typeof part !== 'object' || part === null) continue;
    const value = (part as { text?: unknown; transcript?: unknown }).text ?? (part as { transcript?: unknown }).transcript;
    if (typeof value === 'string') text += value;
  }
  return text || undefined;
}

/** The model leg of one call. */
export class ModelSession {
  state: ModelSessionState = 'idle';
  /** Caller audio may flow: the connection's first `session.update` is applied. */
  audioReady = false;
  /** The assistant has produced audio on this connection (a voice may no longer be sent). */
  assistantSpoke = false;
  /** Audio deltas dropped (cancelled responses, no connection). */
  droppedDeltas = 0;
  /** Caller frames dropped (connection not ready). */
  droppedFrames = 0;
  /** Reconnects completed. */
  reconnects = 0;
  /** The latest `session.update` was refused: until another is acknowledged, the model holds a stale stage. */
  updateRefused = false;

  private ws: WebSocket | undefined;
  /** Corks the socket for the rest of the tick: frames and events sent together leave in one write. */
  private batch: () => void = () => undefined;
  /** A reconnect procedure is running. */
  private restoring = false;
  private generation = 0;
  private seq = 0;
  private readonly pendingAcks: PendingAck[] = [];
  private readonly pendingCreates = new Map<string, PendingCreate>();
  private readonly responses = new Map<string, ModelResponse>();
  /** Event ids of cancels, truncates and deletes: their errors are expected races. */
  private readonly minorEvents = new Set<string>();
  private items: TrackedItem[] = [];
  private readonly itemIndex = new Map<string, TrackedItem>();
  private readonly ackTimeoutMs: number;
  private readonly budgetMs: number;
  private readonly maxReplay: number;

  constructor(private readonly options: ModelSessionOptions) {
    this.ackTimeoutMs = options.sessionAckTimeoutMs ?? SESSION_ACK_TIMEOUT_MS;
    this.budgetMs = options.reconnectBudgetMs ?? RECONNECT_BUDGET_MS;
    this.maxReplay = options.maxReplayItems ?? 100;
  }

  /** The last `session.update` was acknowledged (none is waiting, none was refused since), and the connection is usable. */
  get sessionApplied(): boolean {
    return this.state === 'open' && this.audioReady && this.pendingAcks.length === 0 && !this.updateRefused;
  }

  /** A `session.update` is waiting for its answer (acknowledgement or refusal). */
  get updatePending(): boolean {
    return this.pendingAcks.length > 0;
  }

  /** A response was asked for and has not finished (in band or out of band). */
  get responseInFlight(): boolean {
    return this.pendingCreates.size > 0 || this.responses.size > 0;
  }

  /** Whether the connection is settled one way or the other (open, failed or closed). */
  get settled(): boolean {
    return this.state === 'open' || this.state === 'failed' || this.state === 'closed';
  }

  /** The conversation as remembered, oldest first. */
  get conversation(): readonly TrackedItem[] {
    return this.items;
  }

  /** The active in-band response, if any. */
  get activeResponse(): ModelResponse | undefined {
    for (const response of this.responses.values()) if (!response.outOfBand) return response;
    return undefined;
  }

  /** Every active response. */
  get activeResponses(): IterableIterator<ModelResponse> {
    return this.responses.values();
  }

  /** Connects (within the reconnect budget). Resolves once open, or `failed`. */
  async connect(): Promise<void> {
    if (this.state !== 'idle') return;
    if (!this.options.apiKey) {
      this.fail('OPENAI_API_KEY is not set');
      return;
    }
    this.state = 'connecting';
    const ok = await this.openWithin(this.budgetMs, 'connecting');
    if (ok === true) {
      this.state = 'open';
      this.options.handlers.onConnection('connected', {});
      this.options.signal.notify();
    } else if (this.state === 'connecting') {
      this.fail(ok);
    }
  }

  /** Ends the model leg (the call is over). */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.audioReady = false;
    this.clearAcks();
    this.pendingCreates.clear();
    this.responses.clear();
    const ws = this.ws;
    this.ws = undefined;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) ws.close(NORMAL_CLOSE);
    this.options.signal.notify();
  }

  /** Caller audio (a Twilio payload, base64 μ-law) into the input buffer. The hot path: one string, one send. */
  appendAudio(payload: string): void {
    if (!this.audioReady) {
      this.droppedFrames++;
      return;
    }
    this.batch();
    this.ws!.send(appendAudioMessage(payload));
  }

  /**
   * Sends a `session.update` and registers it for acknowledgement. The voice is
   * left out once the assistant has spoken on this connection (the API refuses
   * it then). Returns false when there is no open connection to send it on.
   */
  updateSession(settings: SessionSettings): boolean {
    if (this.state !== 'open' || !this.ws) return false;
    this.sendUpdate(settings);
    return true;
  }

  /** Asks for a response; returns its reference (echoed as `metadata.parley`). */
  createResponse(purpose: string, options: Omit<ResponseOptions, 'metadata' | 'eventId'> = {}): string | undefined {
    if (this.state !== 'open') return undefined;
    const ref = `r${++this.seq}`;
    const eventId = `parley_${ref}`;
    this.pendingCreates.set(ref, { ref, eventId, purpose, outOfBand: options.outOfBand === true });
    this.send(responseCreate({ ...options, metadata: { parley: ref, purpose }, eventId }));
    this.options.signal.notify();
    return ref;
  }

  /** Cancels a response (barge-in); its late audio is dropped from now on. */
  cancelResponse(response: ModelResponse): void {
    if (response.cancelled) return;
    response.cancelled = true;
    this.sendMinor(responseCancel(response.id, { eventId: this.minorId() }));
  }

  /** Cuts an assistant item's audio at what the caller heard. */
  truncateItem(itemId: string, audioEndMs: number): void {
    this.sendMinor(truncate(itemId, audioEndMs, { eventId: this.minorId() }));
  }

  /** What an item said, as the caller heard it (replayed after a reconnect). */
  rememberText(itemId: string, text: string): void {
    const item = this.itemIndex.get(itemId);
    if (item) item.text = text;
  }

  /** An item's remembered text. */
  textOf(itemId: string): string | undefined {
    return this.itemIndex.get(itemId)?.text;
  }

  /** A function call's output. */
  sendToolOutput(callId: string, output: unknown): void {
    this.send(functionCallOutput(callId, output));
  }

  /** Removes items from the conversation (history `reset` / `summarize`). */
  deleteItems(ids: readonly string[]): void {
    for (const id of ids) this.sendMinor(deleteItem(id, { eventId: this.minorId() }));
  }

  /** Adds a message to the conversation (a history summary). */
  addMessage(role: 'system' | 'user' | 'assistant', text: string): void {
    this.send(textMessage(role, text));
  }

  /**
   * A caller turn typed as text: a `user` message of `input_text`, under an id
   * Parley chooses so the turn is known (and remembered for history and
   * replay) before the API echoes it. Returns the item id, or undefined when
   * there is no open connection to send it on.
   */
  addCallerText(text: string): string | undefined {
    if (this.state !== 'open' || this.ws?.readyState !== WebSocket.OPEN) return undefined;
    const id = `parley_u${++this.seq}`;
    const item: TrackedItem = { id, type: 'message', role: 'user', text };
    this.itemIndex.set(id, item);
    this.items.push(item);
    this.send(textMessage('user', text, { itemId: id }));
    return id;
  }

  // Connection

  /** Opens a socket within `budgetMs`, retrying; returns true, or why it failed. */
  private async openWithin(budgetMs: number, phase: 'connecting' | 'reconnecting'): Promise<true | string> {
    const deadline = performance.now() + budgetMs;
    let delay = RETRY_DELAY_MS;
    let reason = 'no attempt';
    for (let attempt = 1; ; attempt++) {
      const left = deadline - performance.now();
      if (left <= 0 || this.state !== phase) return reason;
      const opened = await this.openSocket(left);
      if (opened === true) {
        if (this.state !== phase) {
          this.ws?.terminate();
          return 'closed while connecting';
        }
        return true;
      }
      reason = opened;
      const wait = Math.min(delay, deadline - performance.now());
      if (wait <= 0) return reason;
      // A retry delay between attempts, not sequencing: the next attempt is all that waits on it.
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay *= 2;
    }
  }

  private openSocket(timeoutMs: number): Promise<true | string> {
    const generation = ++this.generation;
    const url = new URL(this.options.url);
    url.searchParams.set('model', this.options.model);
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.options.apiKey}` }, perMessageDeflate: false, handshakeTimeout: Math.max(1, Math.floor(timeoutMs)) });
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: true | string) => {
        if (done) return;
        done = true;
        resolve(result);
      };
      ws.once('open', () => {
        this.ws = ws;
        this.batch = createTickBatcher(ws);
        this.audioReady = false;
        this.assistantSpoke = false;
        finish(true);
      });
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        finish(`the endpoint answered HTTP ${response.statusCode ?? '?'}`);
        ws.terminate();
      });
      ws.on('error', (error) => finish(`connection error: ${error.message}`));
      ws.on('message', (data) => this.onMessage(generation, data));
      ws.on('close', (code) => {
        finish(`closed (${code}) before opening`);
        this.onSocketClosed(generation, code);
      });
    });
  }

  private onSocketClosed(generation: number, code: number): void {
    if (generation !== this.generation || this.state === 'closed' || this.state === 'failed') return;
    // The reconnect procedure watches its own socket.
    if (this.restoring) return this.options.signal.notify();
    if (this.state === 'open') void this.reconnect(`the connection closed (${code})`);
  }

  /** The reconnect procedure: one budget for connecting, re-applying the stage and replaying the conversation. */
  private async reconnect(reason: string): Promise<void> {
    if (this.state !== 'open' || this.restoring) return;
    this.restoring = true;
    this.state = 'reconnecting';
    this.audioReady = false;
    const started = performance.now();
    const left = () => this.budgetMs - (performance.now() - started);
    this.ws?.terminate();
    this.ws = undefined;
    this.clearAcks();
    this.pendingCreates.clear();
    // Responses under way are gone with the connection.
    const lost = [...this.responses.values()];
    this.responses.clear();
    for (const response of lost) {
      response.status = 'lost';
      this.options.handlers.onResponseDone(response);
    }
    const history = this.items.slice(-this.maxReplay);
    this.items = [];
    this.itemIndex.clear();
    this.options.handlers.onConnection('reconnecting', { reason });
    this.options.signal.notify();

    let attempt = 0;
    let why = reason;
    try {
      while (this.state === 'reconnecting' && left() > 0) {
        attempt++;
        const opened = await this.openWithin(left(), 'reconnecting');
        if (opened !== true) {
          why = opened;
          break;
        }
        // The stage as it is now, then the conversation so far, then wait for the stage's acknowledgement.
        this.sendUpdate(this.options.handlers.restore());
        this.replay(history);
        const socket = this.ws as WebSocket | undefined;
        await this.options.signal.until(() => this.pendingAcks.length === 0 || socket?.readyState !== WebSocket.OPEN || this.state !== 'reconnecting', left());
        if (this.state !== 'reconnecting') return;
        if (this.audioReady && this.pendingAcks.length === 0 && !this.updateRefused && socket?.readyState === WebSocket.OPEN) {
          this.state = 'open';
          this.reconnects++;
          this.options.handlers.onConnection('reconnected', { attempt, ms: Math.round(performance.now() - started) });
          this.options.signal.notify();
          return;
        }
        why = socket?.readyState !== WebSocket.OPEN ? 'the new connection closed' : this.pendingAcks.length > 0 ? 'the restored session was not acknowledged in time' : 'the restored session was refused';
        this.clearAcks();
        this.audioReady = false;
        this.updateRefused = false;
        socket?.terminate();
        this.ws = undefined;
      }
    } finally {
      this.restoring = false;
    }
    if (this.state === 'reconnecting') this.fail(why);
  }

  private replay(history: readonly TrackedItem[]): void {
    for (const item of history) {
      if (item.type === 'message' && item.text && item.role) this.send(textMessage(item.role, item.text));
      else if (item.type === 'function_call' && item.callId && item.name) this.send(functionCallItem(item.callId, item.name, item.arguments ?? '{}'));
      else if (item.type === 'function_call_output' && item.callId && item.output !== undefined) this.send(functionCallOutput(item.callId, item.output));
    }
  }

  private fail(reason: string): void {
    this.state = 'failed';
    this.audioReady = false;
    this.clearAcks();
    this.pendingCreates.clear();
    this.responses.clear();
    this.ws?.terminate();
    this.ws = undefined;
    this.options.handlers.onConnection('failed', { reason });
    this.options.signal.notify();
  }

  private sendUpdate(settings: SessionSettings): void {
    const eventId = `parley_su${++this.seq}`;
    const { voice, ...rest } = settings;
    const event = sessionUpdate(this.assistantSpoke || voice === undefined ? rest : { ...rest, voice }, { eventId });
    const timer = setTimeout(() => this.onAckTimeout(eventId), this.ackTimeoutMs);
    this.pendingAcks.push({ eventId, timer });
    this.send(event);
    this.options.signal.notify();
  }

  private onAckTimeout(eventId: string): void {
    if (!this.pendingAcks.some((ack) => ack.eventId === eventId)) return;
    // During a reconnect the procedure's own bound decides; on a live connection, silence means it is dead.
    if (this.state === 'open') void this.reconnect('a session.update was not acknowledged in time');
  }

  private clearAcks(): void {
    for (const ack of this.pendingAcks) clearTimeout(ack.timer);
    this.pendingAcks.length = 0;
  }

  private send(event: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
  }

  private sendMinor(event: { event_id?: string }): void {
    if (event.event_id) this.minorEvents.add(event.event_id);
    this.send(event);
  }

  private minorId(): string {
    return `parley_m${++this.seq}`;
  }

  // What the API sends: one switch, one handler per case.

  private onMessage(generation: number, data: unknown): void {
    if (generation !== this.generation) return;
    const event = parseServerEvent(data);
    switch (event.type) {
      case 'response.output_audio.delta':
        return this.onAudioDelta(event);
      case 'session.updated':
        return this.onSessionUpdated();
      case 'error':
        return this.onError(event);
      case 'input_audio_buffer.speech_started':
        return this.options.handlers.onSpeechStarted(event.item_id);
      case 'input_audio_buffer.committed':
        return this.options.handlers.onTurnCommitted(event.item_id);
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.created':
        return this.onItem(event.item as unknown as Record<string, unknown>);
      case 'conversation.item.deleted':
        return this.onItemDeleted(event.item_id);
      case 'conversation.item.input_audio_transcription.completed':
        return this.onCallerTranscript(event.item_id, event.transcript);
      case 'conversation.item.input_audio_transcription.failed':
        return this.onCallerTranscript(event.item_id, null);
      case 'response.created':
        return this.onResponseCreated(event);
      case 'response.output_audio_transcript.done':
        return this.onAgentTranscript(event.response_id, event.item_id, event.transcript);
      case 'response.done':
        return this.onResponseDone(event);
      case 'invalid':
        return this.options.handlers.onProblem({ code: 'REALTIME_EVENT_INVALID', message: event.error.message });
      default:
        // Everything else (deltas of text and transcripts, rate limits, unknown events) needs nothing.
        return;
    }
  }

  private onAudioDelta(event: Extract<ServerEvent, { type: 'response.output_audio.delta' }>): void {
    const response = this.responses.get(event.response_id);
    if (!response || response.cancelled) {
      this.droppedDeltas++;
      return;
    }
    const ms = base64Bytes(event.delta) / MULAW_BYTES_PER_MS;
    if (!this.assistantSpoke) this.assistantSpoke = true;
    response.audioMs += ms;
    if (response.audioItems[response.audioItems.length - 1] !== event.item_id) response.audioItems.push(event.item_id);
    this.options.handlers.onAgentAudio(response, event.item_id, event.delta, ms);
  }

  private onSessionUpdated(): void {
    const ack = this.pendingAcks.shift();
    if (ack) clearTimeout(ack.timer);
    if (this.pendingAcks.length === 0) this.updateRefused = false;
    if (this.state === 'open' || this.restoring) this.audioReady = true;
    this.options.signal.notify();
  }

  private onError(event: Extract<ServerEvent, { type: 'error' }>): void {
    const { error } = event;
    const eventId = error.event_id ?? undefined;
    const detail = {
      message: error.message,
      type: error.type,
      ...(error.code ? { apiCode: error.code } : {}),
      ...(error.param ? { param: error.param } : {}),
    };
    if (eventId) {
      const ackIndex = this.pendingAcks.findIndex((ack) => ack.eventId === eventId);
      if (ackIndex >= 0) {
        const [ack] = this.pendingAcks.splice(ackIndex, 1);
        clearTimeout(ack!.timer);
        this.updateRefused = true;
        this.options.handlers.onProblem({ code: 'MODEL_SESSION_UPDATE_REFUSED', ...detail });
        this.options.signal.notify();
        return;
      }
      for (const create of this.pendingCreates.values()) {
        if (create.eventId !== eventId) continue;
        this.pendingCreates.delete(create.ref);
        this.options.handlers.onProblem({ code: 'MODEL_ERROR', ...detail });
        this.options.signal.notify();
        return;
      }
      if (this.minorEvents.delete(eventId)) {
        this.options.handlers.onProblem({ code: 'MODEL_ERROR', ...detail, minor: true });
        return;
      }
    }
    this.options.handlers.onProblem({ code: 'MODEL_ERROR', ...detail });
  }

  private onItem(raw: Record<string, unknown>): void {
    const id = raw.id as string;
    let item = this.itemIndex.get(id);
    if (!item) {
      item = { id, type: raw.type as string };
      this.itemIndex.set(id, item);
      this.items.push(item);
    }
    if (raw.role === 'user' || raw.role === 'assistant' || raw.role === 'system') item.role = raw.role;
    // Keep text Parley already knows (a transcript, what was heard) over an item echo without it.
    const text = textOf(raw.content);
    if (text !== undefined && item.text === undefined) item.text = text;
    if (typeof raw.call_id === 'string') item.callId = raw.call_id;
    if (typeof raw.name === 'string') item.name = raw.name;
    if (typeof raw.arguments === 'string') item.arguments = raw.arguments;
    if (typeof raw.output === 'string') item.output = raw.output;
  }

  private onItemDeleted(itemId: string): void {
    const item = this.itemIndex.get(itemId);
    if (!item) return;
    this.itemIndex.delete(itemId);
    this.items = this.items.filter((candidate) => candidate !== item);
  }

  private onCallerTranscript(itemId: string, transcript: string | null): void {
    const item = this.itemIndex.get(itemId);
    if (item && transcript !== null) item.text = transcript;
    this.options.handlers.onCallerTranscript(itemId, transcript);
  }

  private onAgentTranscript(responseId: string, itemId: string, transcript: string): void {
    const item = this.itemIndex.get(itemId);
    if (item && item.text === undefined) item.text = transcript;
    this.responses.get(responseId)?.transcripts.set(itemId, transcript);
  }

  private onResponseCreated(event: Extract<ServerEvent, { type: 'response.created' }>): void {
    const metadata = (event.response.metadata ?? {}) as Record<string, unknown>;
    const ref = typeof metadata.parley === 'string' ? metadata.parley : undefined;
    const create = ref ? this.pendingCreates.get(ref) : undefined;
    if (create) this.pendingCreates.delete(create.ref);
    const response: ModelResponse = {
      id: event.response.id!,
      ...(ref ? { ref } : {}),
      purpose: create?.purpose ?? (typeof metadata.purpose === 'string' ? metadata.purpose : 'server'),
      outOfBand: create?.outOfBand ?? false,
      status: 'active',
      cancelled: false,
      audioMs: 0,
      audioItems: [],
      transcripts: new Map(),
      calls: [],
    };
    this.responses.set(response.id, response);
    this.options.handlers.onResponseCreated(response);
    this.options.signal.notify();
  }

  private onResponseDone(event: Extract<ServerEvent, { type: 'response.done' }>): void {
    const id = event.response.id!;
    const response = this.responses.get(id);
    if (!response) return;
    this.responses.delete(id);
    const status = event.response.status;
    response.status = status === 'cancelled' || status === 'failed' || status === 'incomplete' ? status : 'completed';
    for (const item of event.response.output ?? []) {
      if (item.type !== 'function_call' || !item.call_id) continue;
      // A cancelled response keeps the calls whose arguments were complete: they still get an output.
      if (item.status !== undefined && item.status !== 'completed') continue;
      response.calls.push({ callId: item.call_id, name: item.name, arguments: item.arguments });
    }
    const error = (event.response.status_details as { error?: { type?: string; code?: string; message?: string } } | undefined)?.error;
    if (error) response.error = error;
    this.options.handlers.onResponseDone(response);
    this.options.signal.notify();
  }
}
