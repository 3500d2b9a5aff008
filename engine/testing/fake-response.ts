/**
 * One response of the fake realtime server, played from a scripted turn in the
 * GA event order: `response.created`, then for speech `response.output_item.added`,
 * `conversation.item.added`, `response.content_part.added`, transcript and audio
 * deltas, `response.output_audio.done`, `response.output_audio_transcript.done`,
 * `response.content_part.done`, `response.output_item.done`,
 * `conversation.item.done`; for each function call the item events around
 * `response.function_call_arguments.delta/done`; and `response.done` with usage.
 *
 * Audio is synthetic speech whose length follows the text (`msPerChar`), sent
 * in chunks of whole 20 ms frames, as fast as possible or in real time. A
 * cancel (client `response.cancel`, or the caller barging in) ends it with
 * status `cancelled` and the item `incomplete`, keeping what was sent.
 */
import { bytesPerMsOf, encodeSamples, sampleRateOf, type AudioEncoding } from '../audio/audio-format.js';
import { TWILIO_FRAME_MS } from '../audio/mulaw.js';
import { synthesizeSpeechSamples } from '../audio/synthetic-speech.js';
import type { AudioPacing, ModelFailure, ModelTurn } from './conversation-script.js';
import type { Conversation, StoredItem } from './fake-conversation.js';
import { fakeId } from './fake-ids.js';

/** A server event before the server stamps its `event_id`. */
export type OutgoingEvent = { type: string } & Record<string, unknown>;

/** What a response needs from its session. */
export interface ResponseHost {
  /** Sends an event (the session adds `event_id` and records it); ignored once the socket is gone. */
  send(event: OutgoingEvent): void;
  readonly conversation: Conversation;
  /** The assistant produced audio: from now on the voice is locked. */
  assistantAudioProduced(itemId: string, audioMs: number, transcript: string): void;
  /** The response reached `response.done` (any status). */
  responseEnded(run: ResponseRun): void;
  /** The scripted failure kills the connection. */
  killConnection(failure: { kind: 'drop' } | { kind: 'close'; code: number; reason: string }): void;
  /** Calls `onOpen` when `gate` is released (at once if it already was); returns a cancel function. */
  whenGateOpen(gate: string, onOpen: () => void): () => void;
}

/** Everything a response runs with, fixed when it starts. */
export interface ResponseSettings {
  turn: ModelTurn;
  outOfBand: boolean;
  outputModality: 'audio' | 'text';
  outputEncoding: AudioEncoding;
  voice: string;
  maxOutputTokens: number | 'inf';
  metadata?: Record<string, unknown>;
  pacing: AudioPacing;
  /** Audio per `response.output_audio.delta`, a multiple of 20 ms. */
  chunkMs: number;
  /** Speech length per character of text. */
  msPerChar: number;
  /** Rough input size for `usage`. */
  inputTextChars: number;
  /** Called right after `response.created` (e.g. to send a transcript that arrives late). */
  afterCreated?: () => void;
  /** Called right after `response.done`. */
  afterDone?: () => void;
}

type Status = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

interface MessageInProgress {
  item: StoredItem;
  outputIndex: number;
  audio: Uint8Array;
  sentBytes: number;
  text: string;
  sentChars: number;
}

/** One response being played. */
export class ResponseRun {
  readonly conversationId: string | null;
  status: Status = 'in_progress';
  readonly output: StoredItem[] = [];
  /** Milliseconds of audio sent by this response. */
  audioMs = 0;
  private message: MessageInProgress | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cancelGate: (() => void) | undefined;
  private ended = false;
  private readonly bytesPerMs: number;

  constructor(
    private readonly host: ResponseHost,
    readonly settings: ResponseSettings,
    /** `resp_…`. */
    readonly id: string,
    conversationId: string,
  ) {
    this.conversationId = settings.outOfBand ? null : conversationId;
    this.bytesPerMs = bytesPerMsOf(settings.outputEncoding);
  }

  /** Still producing output (not yet `response.done`). */
  get active(): boolean {
    return !this.ended;
  }

  /** Sends `response.created` and plays the turn. */
  start(): void {
    this.host.send({ type: 'response.created', response: this.snapshot() });
    this.settings.afterCreated?.();
    this.host.send({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 400000, remaining: 399000, reset_seconds: 0.15 },
      ],
    });
    const { fail, wait } = this.settings.turn;
    if (fail && (fail.afterAudioMs === undefined || !this.settings.turn.say)) return this.failNow(fail);
    if (typeof wait === 'number' && wait > 0) {
      this.timer = setTimeout(() => this.produce(), wait);
      return;
    }
    if (typeof wait === 'object') {
      this.cancelGate = this.host.whenGateOpen(wait.gate, () => {
        this.cancelGate = undefined;
        if (!this.ended) this.produce();
      });
      return;
    }
    this.produce();
  }

  /** Ends the response early with status `cancelled`. Returns false if it had already ended. */
  cancel(reason: 'turn_detected' | 'client_cancelled'): boolean {
    if (this.ended) return false;
    this.stopTimers();
    if (this.message) this.endMessage('incomplete');
    this.end('cancelled', { type: 'cancelled', reason });
    return true;
  }

  /** The socket is gone: stop without sending anything. */
  abandon(): void {
    this.stopTimers();
    this.ended = true;
  }

  private produce(): void {
    const text = this.settings.turn.say ?? '';
    if (text === '') return this.produceCalls();
    if (this.settings.outputModality === 'text') return this.produceText(text);
    this.beginMessage(text);
    this.pump();
  }

  private beginMessage(text: string): void {
    const item: StoredItem = { id: fakeId('item'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const outputIndex = this.output.length;
    this.output.push(item);
    const frames = Math.max(1, Math.ceil((text.length * this.settings.msPerChar) / TWILIO_FRAME_MS));
    const rate = sampleRateOf(this.settings.outputEncoding);
    // The agent's voice: higher than the synthetic caller's, so recordings are easy to tell apart.
    const audio = encodeSamples(this.settings.outputEncoding, synthesizeSpeechSamples(frames * TWILIO_FRAME_MS, rate, { pitchHz: 210, seed: text.length }));
    this.message = { item, outputIndex, audio, sentBytes: 0, text, sentChars: 0 };
    this.host.send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: clone(item) });
    this.addToConversation(item);
    this.host.send({ type: 'response.content_part.added', ...this.partIds(), part: { type: 'audio', transcript: '' } });
  }

  /** Sends audio chunks: all now when pacing is `fast`, else one per chunk interval of wall time. */
  private pump(): void {
    const pacing = this.settings.turn.pacing ?? this.settings.pacing;
    const speed = pacing === 'fast' ? 0 : pacing === 'realtime' ? 1 : pacing.speed;
    const startedAt = performance.now();
    let sentChunks = 0;
    const step = (): void => {
      this.timer = undefined;
      while (!this.ended && this.message) {
        if (!this.sendChunk()) return;
        sentChunks++;
        if (speed > 0 && this.message) {
          const due = startedAt + (sentChunks * this.settings.chunkMs) / speed;
          this.timer = setTimeout(step, Math.max(0, due - performance.now()));
          return;
        }
      }
    };
    step();
  }

  /** Sends one chunk (transcript first, then audio). Returns false when the response stopped. */
  private sendChunk(): boolean {
    const message = this.message!;
    const end = Math.min(message.audio.length, message.sentBytes + this.settings.chunkMs * this.bytesPerMs);
    const endMs = end / this.bytesPerMs;
    const dueChars = end === message.audio.length ? message.text.length : Math.min(message.text.length, Math.ceil(endMs / this.settings.msPerChar));
    if (dueChars > message.sentChars) {
      this.host.send({ type: 'response.output_audio_transcript.delta', ...this.partIds(), delta: message.text.slice(message.sentChars, dueChars) });
      message.sentChars = dueChars;
    }
    const chunk = message.audio.subarray(message.sentBytes, end);
    this.host.send({ type: 'response.output_audio.delta', ...this.partIds(), delta: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') });
    const chunkMs = (end - message.sentBytes) / this.bytesPerMs;
    message.sentBytes = end;
    this.audioMs += chunkMs;
    this.host.assistantAudioProduced(message.item.id, endMs, message.text);
    const fail = this.settings.turn.fail;
    if (fail?.afterAudioMs !== undefined && endMs >= fail.afterAudioMs && end < message.audio.length) {
      this.failNow(fail);
      return false;
    }
    if (end < message.audio.length) return true;
    this.endMessage('completed');
    if (fail) {
      this.failNow(fail);
      return false;
    }
    this.produceCalls();
    return false;
  }

  private endMessage(status: 'completed' | 'incomplete'): void {
    const message = this.message!;
    this.message = undefined;
    const transcript = status === 'completed' ? message.text : message.text.slice(0, message.sentChars);
    const ids = { response_id: this.id, item_id: message.item.id, output_index: message.outputIndex, content_index: 0 };
    this.host.send({ type: 'response.output_audio.done', ...ids });
    this.host.send({ type: 'response.output_audio_transcript.done', ...ids, transcript });
    this.host.send({ type: 'response.content_part.done', ...ids, part: { type: 'audio', transcript } });
    message.item.status = status;
    message.item.content = [{ type: 'output_audio', transcript }];
    this.finishItem(message.item, message.outputIndex);
  }

  private produceText(text: string): void {
    const item: StoredItem = { id: fakeId('item'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const outputIndex = this.output.length;
    this.output.push(item);
    const ids = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    this.host.send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: clone(item) });
    this.addToConversation(item);
    this.host.send({ type: 'response.content_part.added', ...ids, part: { type: 'text', text: '' } });
    for (const word of text.match(/\S+\s*/g) ?? [text]) this.host.send({ type: 'response.output_text.delta', ...ids, delta: word });
    this.host.send({ type: 'response.output_text.done', ...ids, text });
    this.host.send({ type: 'response.content_part.done', ...ids, part: { type: 'text', text } });
    item.status = 'completed';
    item.content = [{ type: 'output_text', text }];
    this.finishItem(item, outputIndex);
    if (this.settings.turn.fail) return this.failNow(this.settings.turn.fail);
    this.produceCalls();
  }

  private produceCalls(): void {
    for (const call of this.settings.turn.calls ?? []) {
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
      const item: StoredItem = { id: fakeId('item'), object: 'realtime.item', type: 'function_call', status: 'in_progress', name: call.name, call_id: call.callId ?? fakeId('call'), arguments: '' };
      const outputIndex = this.output.length;
      this.output.push(item);
      this.host.send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: clone(item) });
      this.addToConversation(item);
      const ids = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: item.call_id };
      // The model streams arguments in pieces; three is enough to exercise reassembly.
      const piece = Math.max(1, Math.ceil(args.length / 3));
      for (let at = 0; at < args.length; at += piece) this.host.send({ type: 'response.function_call_arguments.delta', ...ids, delta: args.slice(at, at + piece) });
      this.host.send({ type: 'response.function_call_arguments.done', ...ids, name: call.name, arguments: args });
      item.status = 'completed';
      item.arguments = args;
      this.finishItem(item, outputIndex);
    }
    this.end('completed');
  }

  private failNow(failure: ModelFailure): void {
    this.stopTimers();
    if (failure.kind === 'drop' || failure.kind === 'close') {
      this.ended = true;
      this.host.killConnection(failure.kind === 'drop' ? { kind: 'drop' } : { kind: 'close', code: failure.code ?? 1011, reason: failure.reason ?? 'server error' });
      return;
    }
    const type = failure.type ?? 'server_error';
    const code = failure.code ?? 'server_error';
    this.host.send({
      type: 'error',
      error: { type, code, message: failure.message ?? 'The server had an error while processing your request. Sorry about that!', param: null, event_id: null },
    });
    if (this.message) this.endMessage('incomplete');
    this.end('failed', { type: 'failed', error: { type, code } });
  }

  private addToConversation(item: StoredItem): void {
    if (this.settings.outOfBand) return;
    const placed = this.host.conversation.add(item);
    this.host.send({ type: 'conversation.item.added', previous_item_id: placed?.previousItemId ?? null, item: clone(item) });
  }

  private finishItem(item: StoredItem, outputIndex: number): void {
    this.host.send({ type: 'response.output_item.done', response_id: this.id, output_index: outputIndex, item: clone(item) });
    if (this.settings.outOfBand || !this.host.conversation.get(item.id)) return;
    const at = this.host.conversation.items.indexOf(item);
    this.host.send({ type: 'conversation.item.done', previous_item_id: at > 0 ? this.host.conversation.items[at - 1]!.id : null, item: clone(item) });
  }

  private end(status: Exclude<Status, 'in_progress'>, details?: Record<string, unknown>): void {
    this.ended = true;
    this.status = status;
    this.host.send({ type: 'response.done', response: this.snapshot(details) });
    this.settings.afterDone?.();
    this.host.responseEnded(this);
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.cancelGate?.();
    this.cancelGate = undefined;
  }

  private partIds() {
    const message = this.message!;
    return { response_id: this.id, item_id: message.item.id, output_index: message.outputIndex, content_index: 0 };
  }

  /** The response object as `response.created` / `response.done` carry it. */
  private snapshot(statusDetails?: Record<string, unknown>): Record<string, unknown> {
    const done = this.status !== 'in_progress';
    const outputText = this.output.reduce((n, item) => n + JSON.stringify(item.content ?? item.arguments ?? '').length, 0);
    const outputTextTokens = Math.ceil(outputText / 4);
    const outputAudioTokens = Math.ceil(this.audioMs / 50);
    const inputTokens = Math.ceil(this.settings.inputTextChars / 4);
    return {
      object: 'realtime.response',
      id: this.id,
      status: this.status,
      ...(statusDetails ? { status_details: statusDetails } : {}),
      output: done ? this.output.map(clone) : [],
      ...(this.conversationId !== null ? { conversation_id: this.conversationId } : {}),
      output_modalities: [this.settings.outputModality],
      max_output_tokens: this.settings.maxOutputTokens,
      audio: { output: { format: { type: this.settings.outputEncoding, ...(this.settings.outputEncoding === 'audio/pcm' ? { rate: 24000 } : {}) }, voice: this.settings.voice } },
      ...(this.settings.metadata ? { metadata: this.settings.metadata } : {}),
      ...(done
        ? {
            usage: {
              total_tokens: inputTokens + outputTextTokens + outputAudioTokens,
              input_tokens: inputTokens,
              output_tokens: outputTextTokens + outputAudioTokens,
              input_token_details: { cached_tokens: 0, text_tokens: inputTokens, image_tokens: 0, audio_tokens: 0 },
              output_token_details: { text_tokens: outputTextTokens, audio_tokens: outputAudioTokens },
            },
          }
        : {}),
    };
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
