/**
 * A Twilio Media Streams call simulator: it connects to Parley's
 * `/twilio/media` as Twilio does (optionally signing the upgrade with
 * `X-Twilio-Signature`, computed by the `twilio` package), sends `connected`
 * and `start`, then a `media` frame of real μ-law every 20 ms of call time —
 * the caller's scripted lines as synthetic speech, silence otherwise — and
 * `dtmf` and `stop` when told. Audio Parley sends back is queued and played in
 * call time; `mark`s are echoed when the audio before them has played, and a
 * `clear` drops the queue and echoes pending marks, as Twilio does. It records
 * what it receives with call-time timestamps.
 *
 * One timer drives everything (frames out, playback, waits): real time, a
 * multiple of it (`speed`), or a manual clock moved by `advance(ms)`.
 *
 * `onHeard` is the phone's earpiece: every 20 ms of call time, the agent audio
 * that played in it (silence where none did), as a simulated caller hears it.
 */
import twilio from 'twilio';
import { WebSocket } from 'ws';
import { MULAW_BYTES_PER_MS, MULAW_SILENCE, TWILIO_FRAME_BYTES, TWILIO_FRAME_MS } from '../audio/mulaw.js';
import { synthesizeSpeech } from '../audio/synthetic-speech.js';
import { ParleyError } from '../errors/parley-error.js';
import { randomBytes } from 'node:crypto';
import type { ConversationScript, StepProgress } from './conversation-script.js';
import { DEFAULT_WAIT_MS, EventLog, type WaitOptions } from './event-log.js';
import { PlaybackBuffer } from './playback-buffer.js';
import {
  type TwilioStreamIds,
  parseTwilioCommand,
  twilioConnectedMessage,
  twilioDtmfMessage,
  twilioMarkEcho,
  twilioMediaMessage,
  twilioStartMessage,
  twilioStopMessage,
} from './twilio-wire.js';

/** How call time runs: with the wall clock (× `speed`), or only when `advance(ms)` is called. */
export type SimulatorPacing = { mode: 'realtime'; speed?: number } | { mode: 'manual' };

/** How the simulated call connects and behaves. */
export interface TwilioCallSimulatorOptions {
  /** Parley's media WebSocket, e.g. `ws://127.0.0.1:3000/twilio/media`. */
  url: string;
  /** Sign the upgrade with `X-Twilio-Signature` using this auth token. */
  authToken?: string;
  /** The URL Twilio signs: the `<Stream url>` as configured, e.g. `wss://parley.example.com/twilio/media`. Default `url`. */
  signedUrl?: string;
  /** Default: random `AC…`, `CA…`, `MZ…`. */
  ids?: Partial<TwilioStreamIds>;
  /** `<Parameter>`s of the `<Stream>`, sent in `start.customParameters`. */
  customParameters?: Record<string, string>;
  /** Default `['inbound']`. */
  tracks?: string[];
  /** Default real time. */
  pacing?: SimulatorPacing;
  /** The script `play()` follows (shared with the fake realtime server). */
  script?: ConversationScript;
  /** Speech length per character of a caller line. Default 60 ms. */
  msPerChar?: number;
  /** Wall-clock limit for each wait of `play()`. Default 10 s. */
  stepTimeoutMs?: number;
  /** Extra upgrade headers. */
  headers?: Record<string, string>;
}

/** Something the simulator saw or did, at call time `at` (ms since `start`). */
export type SimulatorEvent = { seq: number; at: number } & (
  | { kind: 'media'; bytes: number; position: number }
  | { kind: 'mark'; name: string }
  | { kind: 'mark-echoed'; name: string; cleared: boolean }
  | { kind: 'clear'; playedMs: number; discardedMs: number; marks: string[] }
  | { kind: 'line-started'; text: string }
  | { kind: 'line-ended'; text: string }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'stop' }
  | { kind: 'unknown'; event: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'closed'; code: number; reason: string }
);

/** A `media` message received from Parley. */
export interface ReceivedMedia {
  at: number;
  bytes: number;
  /** Where this audio starts along everything received, in ms. */
  positionMs: number;
}

/** A `mark` received from Parley and what became of it. */
export interface MarkRecord {
  name: string;
  receivedAt: number;
  /** When it was echoed back (undefined: still waiting for its audio to play). */
  echoedAt?: number;
  /** Echoed because of a `clear`, not because its audio played. */
  cleared?: boolean;
}

/** A `clear` received from Parley. */
export interface ClearRecord {
  at: number;
  /** Agent audio played in the whole call before the clear. */
  playedMs: number;
  /** Audio dropped from the queue. */
  discardedMs: number;
  /** Marks echoed because of it. */
  marks: string[];
}

/** A message from Parley the simulator could not accept. */
export interface InvalidRecord {
  at: number;
  reason: string;
}

/** Malformed inputs `sendMalformed` can send. */
export type MalformedKind = 'not-json' | 'binary' | 'no-event' | 'unknown-event' | 'media-no-payload' | 'media-bad-numbers' | 'wrong-stream' | 'huge';

/** The simulated call. */
export interface TwilioCallSimulator {
  readonly ids: TwilioStreamIds;
  /** Call time in ms since `start()`. */
  readonly now: number;
  /** Connects, sends `connected` and `start`, and begins the 20 ms cadence. Rejects if Parley refuses the upgrade. */
  start(): Promise<void>;
  /** Queues a caller line as speech; resolves when its last frame is sent. */
  say(text: string, options?: { level?: number }): Promise<void>;
  /** Queues raw μ-law (padded to whole frames); resolves when sent. */
  sendAudio(bytes: Uint8Array): Promise<void>;
  /** Resolves after `ms` of call time (silence keeps flowing meanwhile). */
  pause(ms: number): Promise<void>;
  /** Sends one `dtmf` message per digit. */
  pressKeys(digits: string): void;
  /** Sends `stop` and closes the stream, as when the caller hangs up. */
  hangUp(): Promise<void>;
  /** Drops the socket without `stop` (a network failure). */
  disconnect(): void;
  /** Plays the caller side of a script (the options' one by default); resolves when every step is done. */
  play(script?: ConversationScript): Promise<void>;
  /** Manual pacing: moves call time on by `ms`, sending the frames and playing the audio due. */
  advance(ms: number): void;
  /**
   * The earpiece: `listener` gets 20 ms of μ-law for every 20 ms of call time
   * from now on — the agent audio that played in it, silence where none did
   * (audio a `clear` dropped is never heard). Returns a function that stops it.
   */
  onHeard(listener: (frame: Uint8Array) => void): () => void;
  /** Sends anything, as is. */
  sendRaw(data: string | Buffer): void;
  sendMalformed(kind: MalformedKind): void;
  /** Everything seen and done, in order. */
  readonly events: readonly SimulatorEvent[];
  waitFor<S extends SimulatorEvent>(predicate: (e: SimulatorEvent) => e is S, options?: WaitOptions): Promise<S>;
  waitFor(predicate: (e: SimulatorEvent) => boolean, options?: WaitOptions): Promise<SimulatorEvent>;
  /** Resolves when no received audio is waiting to play (now, or later). */
  waitForPlaybackIdle(options?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when a mark named `name` has been echoed. */
  waitForMarkEcho(name: string, options?: WaitOptions): Promise<SimulatorEvent>;
  /** Resolves at the nth `clear` (default the first). */
  waitForClear(options?: WaitOptions): Promise<SimulatorEvent>;
  readonly playback: { readonly receivedMs: number; readonly playedMs: number; readonly queuedMs: number; readonly discardedMs: number; readonly pendingMarks: string[] };
  readonly media: readonly ReceivedMedia[];
  readonly marks: readonly MarkRecord[];
  readonly clears: readonly ClearRecord[];
  readonly invalid: readonly InvalidRecord[];
  /** All audio Parley sent, concatenated (μ-law). */
  receivedAudio(): Uint8Array;
  /** Frames sent so far (one per 20 ms of call time). */
  readonly framesSent: number;
  /** Resolves when the socket closes (either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const SILENCE_PAYLOAD = Buffer.alloc(TWILIO_FRAME_BYTES, MULAW_SILENCE).toString('base64');
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

interface OutgoingAudio {
  bytes: Uint8Array;
  offset: number;
  onFirstFrame?: () => void;
  onDone: () => void;
}

interface Condition {
  check: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  description: string;
}

/** Creates a simulated call; `start()` connects it. */
export function createTwilioCallSimulator(options: TwilioCallSimulatorOptions): TwilioCallSimulator {
  return new Simulator(options);
}

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

class Simulator implements TwilioCallSimulator {
  readonly ids: TwilioStreamIds;
  framesSent = 0;
  readonly media: ReceivedMedia[] = [];
  readonly marks: MarkRecord[] = [];
  readonly clears: ClearRecord[] = [];
  readonly invalid: InvalidRecord[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private ws: WebSocket | undefined;
  private readonly log = new EventLog<SimulatorEvent>((e) => describeEvent(e));
  private readonly buffer = new PlaybackBuffer();
  private readonly outgoing: OutgoingAudio[] = [];
  private readonly conditions = new Set<Condition>();
  private readonly chunks: Uint8Array[] = [];
  private readonly quotedStreamSid: string;
  private readonly speed: number;
  private readonly manual: boolean;
  private readonly msPerChar: number;
  private sequence = 1;
  private readonly earpiece = { listeners: new Set<(frame: Uint8Array) => void>(), chunks: [] as Uint8Array[], offset: 0, taken: 0, frames: 0 };
  private startedAt = 0;
  private manualNow = 0;
  private frozenAt: number | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveClosed!: (value: { code: number; reason: string }) => void;

  constructor(private readonly options: TwilioCallSimulatorOptions) {
    this.ids = { accountSid: sid('AC'), callSid: sid('CA'), streamSid: sid('MZ'), ...options.ids };
    this.quotedStreamSid = JSON.stringify(this.ids.streamSid);
    const pacing = options.pacing ?? { mode: 'realtime' };
    this.manual = pacing.mode === 'manual';
    this.speed = pacing.mode === 'realtime' ? (pacing.speed ?? 1) : 1;
    this.msPerChar = options.msPerChar ?? 60;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get now(): number {
    if (this.manual) return this.manualNow;
    if (this.frozenAt !== undefined) return this.frozenAt;
    return this.startedAt === 0 ? 0 : (performance.now() - this.startedAt) * this.speed;
  }

  get events(): readonly SimulatorEvent[] {
    return this.log.entries;
  }

  get playback() {
    const buffer = this.buffer;
    return {
      get receivedMs() {
        return buffer.receivedMs;
      },
      get playedMs() {
        return buffer.playedMs;
      },
      get queuedMs() {
        return buffer.queuedMs;
      },
      get discardedMs() {
        return buffer.discardedMs;
      },
      get pendingMarks() {
        return buffer.pendingMarks;
      },
    };
  }

  async start(): Promise<void> {
    const headers: Record<string, string> = { 'User-Agent': 'Twilio.TmeWs/1.0', ...this.options.headers };
    if (this.options.authToken !== undefined) {
      // Twilio signs the WebSocket URL of the <Stream> (no body parameters on the upgrade).
      headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(this.options.authToken, this.options.signedUrl ?? this.options.url, {});
    }
    const ws = new WebSocket(this.options.url, { headers });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_request, response) => {
        reject(new Error(`Twilio call simulator: ${this.options.url} refused the stream (HTTP ${response.statusCode ?? '?'})`));
        response.resume();
      });
      ws.once('error', reject);
    });
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => this.onMessage(isBinary ? data : data.toString()));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    this.startedAt = performance.now();
    this.running = true;
    ws.send(twilioConnectedMessage());
    ws.send(twilioStartMessage(this.ids, { tracks: this.options.tracks ?? ['inbound'], customParameters: this.options.customParameters ?? {} }));
    this.sequence = 2;
    if (!this.manual) this.timer = setInterval(() => this.tick(), Math.max(1, TWILIO_FRAME_MS / this.speed));
  }

  say(text: string, options: { level?: number } = {}): Promise<void> {
    const ms = Math.max(TWILIO_FRAME_MS, Math.ceil((text.length * this.msPerChar) / TWILIO_FRAME_MS) * TWILIO_FRAME_MS);
    const speech = synthesizeSpeech(ms, { ...(options.level !== undefined ? { level: options.level } : {}), seed: text.length + 1 });
    return this.queue(speech, text);
  }

  sendAudio(bytes: Uint8Array): Promise<void> {
    return this.queue(bytes);
  }

  pause(ms: number): Promise<void> {
    const until = this.now + ms;
    return this.waitUntil(() => this.now >= until, `${ms} ms of call time to pass`, ms / this.speed + (this.manual ? 60_000 : DEFAULT_WAIT_MS));
  }

  pressKeys(digits: string): void {
    for (const digit of digits) {
      this.sendMessage(twilioDtmfMessage(this.ids.streamSid, this.sequence++, digit));
      this.record({ kind: 'dtmf', digit });
    }
  }

  async hangUp(): Promise<void> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.sendMessage(twilioStopMessage(this.ids, this.sequence++));
    this.record({ kind: 'stop' });
    this.stopRunning();
    this.ws.close(1000);
    await this.closed;
  }

  disconnect(): void {
    this.stopRunning();
    this.ws?.terminate();
  }

  advance(ms: number): void {
    if (!this.manual) throw new Error('advance() is for manual pacing; this simulator runs in real time');
    // Step a frame at a time so marks and waits see every intermediate moment.
    const target = this.manualNow + ms;
    while (this.manualNow < target) {
      this.manualNow = Math.min(target, this.manualNow + TWILIO_FRAME_MS);
      this.tick();
    }
  }

  onHeard(listener: (frame: Uint8Array) => void): () => void {
    const earpiece = this.earpiece;
    if (earpiece.listeners.size === 0) {
      // Start from now: what already played is not heard; what is queued will be.
      const queued = Math.round(this.buffer.queuedBytes);
      earpiece.chunks = queued > 0 ? [this.receivedAudio().subarray(-queued)] : [];
      earpiece.offset = 0;
      earpiece.taken = Math.round(this.buffer.playedBytes);
      earpiece.frames = Math.floor(this.now / TWILIO_FRAME_MS);
    }
    earpiece.listeners.add(listener);
    return () => earpiece.listeners.delete(listener);
  }

  sendRaw(data: string | Buffer): void {
    this.sendMessage(data);
  }

  sendMalformed(kind: MalformedKind): void {
    const streamSid = this.ids.streamSid;
    const media = (patch: Record<string, unknown>, outer: Record<string, unknown> = {}) =>
      JSON.stringify({ event: 'media', sequenceNumber: String(this.sequence++), media: { track: 'inbound', chunk: '1', timestamp: '0', payload: SILENCE_PAYLOAD, ...patch }, streamSid, ...outer });
    const messages: Record<MalformedKind, () => string | Buffer> = {
      'not-json': () => '{"event":"media","streamSid":',
      binary: () => randomBytes(64),
      'no-event': () => JSON.stringify({ streamSid, media: { payload: SILENCE_PAYLOAD } }),
      'unknown-event': () => JSON.stringify({ event: 'transcription', streamSid, sequenceNumber: String(this.sequence++) }),
      'media-no-payload': () => media({ payload: undefined }),
      'media-bad-numbers': () => media({ chunk: 'one', timestamp: '-20' }),
      'wrong-stream': () => media({}, { streamSid: 'MZ' + '0'.repeat(32) }),
      huge: () => media({ payload: 'A'.repeat(1 << 20) }),
    };
    this.sendMessage(messages[kind]());
  }

  async play(script = this.options.script): Promise<void> {
    if (!script) throw new ParleyError('TEST_SCRIPT_INVALID', 'play() needs a conversation script (pass one here or in the simulator options)');
    // Where each agent step's audio starts along the received stream, and how many clears came before it.
    const starts = new Map<number, { position: number; clears: number }>();
    const stopListening = script.onProgress((progress: StepProgress) => {
      if (progress.step.kind === 'agent' && progress.status === 'started') starts.set(progress.index, { position: this.buffer.receivedBytes, clears: this.clears.length });
    });
    const timeout = this.options.stepTimeoutMs ?? 10_000;
    const within = <T>(promise: Promise<T>, what: string): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(this.stuck(what, script)), timeout);
        promise.then(
          (value) => (clearTimeout(timer), resolve(value)),
          (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))),
        );
      });
    try {
      for (let index = 0; index < script.steps.length; index++) {
        const step = script.steps[index]!;
        if (step.kind === 'agent') {
          const next = script.steps[index + 1];
          const interruptAfterMs = next?.kind === 'caller' && 'say' in next.action ? next.action.interruptAfterMs : undefined;
          await within(script.whenStep(index, 'started'), `step ${index} (${step.label}) to start`);
          const start = starts.get(index) ?? { position: this.buffer.receivedBytes, clears: this.clears.length };
          if (interruptAfterMs !== undefined) {
            // Barge-in: speak once this much of the turn has played.
            const target = start.position + interruptAfterMs * MULAW_BYTES_PER_MS;
            const what = `${interruptAfterMs} ms of step ${index} (${step.label}) to play`;
            await this.waitUntil(() => this.buffer.cursor >= target, what, timeout, () => this.stuck(what, script));
            continue;
          }
          const done = await within(script.whenStep(index, 'done'), `step ${index} (${step.label}) to finish`);
          const expected = start.position + (done.audioMs ?? 0) * MULAW_BYTES_PER_MS;
          // All of the turn's audio has arrived (or Parley cleared it), and none is left to play.
          const what = `the audio of step ${index} (${step.label}) to reach the caller and play out`;
          const played = () => (this.buffer.receivedBytes >= expected - 0.5 || this.clears.length > start.clears) && this.buffer.queuedBytes < 0.5;
          await this.waitUntil(played, what, timeout, () => this.stuck(what, script));
          continue;
        }
        const action = step.action;
        const interrupting = 'say' in action && action.interruptAfterMs !== undefined;
        if (!interrupting) await within(this.pause(action.pauseBeforeMs ?? 300), `the pause before step ${index}`);
        if ('say' in action) {
          await within(this.say(action.say, action.level !== undefined ? { level: action.level } : {}), `step ${index} (${step.label}) to be spoken`);
        } else if ('dtmf' in action) {
          this.pressKeys(action.dtmf);
          script.finishCallerStep(index);
        } else {
          await within(this.hangUp(), 'the hang-up');
          script.finishCallerStep(index);
        }
      }
    } finally {
      stopListening();
    }
  }

  waitFor(predicate: (e: SimulatorEvent) => boolean, options?: WaitOptions): Promise<SimulatorEvent> {
    return this.log.waitFor(predicate, options);
  }

  waitForPlaybackIdle(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.waitUntil(() => this.buffer.queuedBytes < 0.5, 'the received audio to finish playing', options.timeoutMs ?? DEFAULT_WAIT_MS);
  }

  waitForMarkEcho(name: string, options: WaitOptions = {}): Promise<SimulatorEvent> {
    return this.log.waitFor((e) => e.kind === 'mark-echoed' && e.name === name, { description: `mark "${name}" to be echoed`, ...options });
  }

  waitForClear(options: WaitOptions = {}): Promise<SimulatorEvent> {
    return this.log.waitFor((e) => e.kind === 'clear', { description: 'a clear', ...options });
  }

  receivedAudio(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  // The clock: frames out, playback, waits.

  private tick(): void {
    if (!this.running) return;
    const now = this.now;
    while (this.running && (this.framesSent + 1) * TWILIO_FRAME_MS <= now) this.sendFrame();
    this.echo(this.buffer.advanceTo(now), false);
    while (this.running && this.earpiece.listeners.size > 0 && (this.earpiece.frames + 1) * TWILIO_FRAME_MS <= now) this.sendHeardFrame();
    this.checkConditions();
  }

  /** The next 20 ms the caller hears: the agent audio played in it, padded with silence. */
  private sendHeardFrame(): void {
    const earpiece = this.earpiece;
    earpiece.frames++;
    const frame = Buffer.alloc(TWILIO_FRAME_BYTES, MULAW_SILENCE);
    let filled = 0;
    // The queue holds what was received and not dropped; `taken` counts what has been heard of it.
    let available = Math.min(TWILIO_FRAME_BYTES, Math.floor(this.buffer.playedBytes) - earpiece.taken);
    while (available > 0 && earpiece.chunks.length > 0) {
      const head = earpiece.chunks[0]!;
      const n = Math.min(available, head.length - earpiece.offset);
      frame.set(head.subarray(earpiece.offset, earpiece.offset + n), filled);
      filled += n;
      available -= n;
      earpiece.taken += n;
      earpiece.offset += n;
      if (earpiece.offset >= head.length) {
        earpiece.chunks.shift();
        earpiece.offset = 0;
      }
    }
    for (const listener of earpiece.listeners) listener(frame);
  }

  private sendFrame(): void {
    const chunk = this.framesSent + 1;
    const timestamp = this.framesSent * TWILIO_FRAME_MS;
    this.framesSent++;
    let payload = SILENCE_PAYLOAD;
    const head = this.outgoing[0];
    if (head) {
      if (head.offset === 0) head.onFirstFrame?.();
      const frame = head.bytes.subarray(head.offset, head.offset + TWILIO_FRAME_BYTES);
      payload = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64');
      head.offset += TWILIO_FRAME_BYTES;
      if (head.offset >= head.bytes.length) {
        this.outgoing.shift();
        head.onDone();
      }
    }
    this.sendMessage(twilioMediaMessage(this.quotedStreamSid, this.sequence++, chunk, timestamp, payload));
  }

  private queue(bytes: Uint8Array, text?: string): Promise<void> {
    const whole = Math.ceil(bytes.length / TWILIO_FRAME_BYTES) * TWILIO_FRAME_BYTES;
    const padded = whole === bytes.length ? bytes : Buffer.concat([bytes, Buffer.alloc(whole - bytes.length, MULAW_SILENCE)]);
    if (padded.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.outgoing.push({
        bytes: padded,
        offset: 0,
        ...(text !== undefined ? { onFirstFrame: () => this.record({ kind: 'line-started', text }) } : {}),
        onDone: () => {
          if (text !== undefined) this.record({ kind: 'line-ended', text });
          resolve();
        },
      });
    });
  }

  // What Parley sends: one switch, one handler per message.

  private onMessage(data: unknown): void {
    const command = parseTwilioCommand(data);
    switch (command.type) {
      case 'media':
        return this.onMedia(command.streamSid, command.payload);
      case 'mark':
        return this.onMark(command.streamSid, command.name);
      case 'clear':
        return this.onClear(command.streamSid);
      case 'unknown':
        this.record({ kind: 'unknown', event: command.event });
        return;
      case 'invalid':
        return this.rejectMessage(command.message);
    }
  }

  private onMedia(streamSid: string, payload: string): void {
    if (streamSid !== this.ids.streamSid) return this.rejectMessage(`media for stream ${streamSid}, not ${this.ids.streamSid}`);
    if (payload.length % 4 !== 0 || !BASE64.test(payload)) return this.rejectMessage('media payload is not base64');
    const bytes = Buffer.from(payload, 'base64');
    const now = this.now;
    const position = this.buffer.receivedBytes / MULAW_BYTES_PER_MS;
    const reached = this.buffer.enqueue(bytes.length, now);
    this.chunks.push(bytes);
    if (this.earpiece.listeners.size > 0) this.earpiece.chunks.push(bytes);
    this.media.push({ at: now, bytes: bytes.length, positionMs: position });
    this.record({ kind: 'media', bytes: bytes.length, position });
    this.echo(reached, false);
    this.checkConditions();
  }

  private onMark(streamSid: string, name: string): void {
    if (streamSid !== this.ids.streamSid) return this.rejectMessage(`mark for stream ${streamSid}, not ${this.ids.streamSid}`);
    this.marks.push({ name, receivedAt: this.now });
    this.record({ kind: 'mark', name });
    this.echo(this.buffer.mark(name, this.now), false);
    this.checkConditions();
  }

  private onClear(streamSid: string): void {
    if (streamSid !== this.ids.streamSid) return this.rejectMessage(`clear for stream ${streamSid}, not ${this.ids.streamSid}`);
    const now = this.now;
    const { discardedBytes, playedMarks, clearedMarks } = this.buffer.clear(now);
    this.dropUnheard(Math.round(discardedBytes));
    this.echo(playedMarks, false);
    const record: ClearRecord = { at: now, playedMs: this.buffer.playedMs, discardedMs: discardedBytes / MULAW_BYTES_PER_MS, marks: clearedMarks };
    this.clears.push(record);
    this.record({ kind: 'clear', playedMs: record.playedMs, discardedMs: record.discardedMs, marks: clearedMarks });
    this.echo(clearedMarks, true);
    this.checkConditions();
  }

  /** Takes audio a `clear` dropped off the end of the earpiece's queue: it will never be heard. */
  private dropUnheard(bytes: number): void {
    const earpiece = this.earpiece;
    let left = bytes;
    while (left > 0 && earpiece.chunks.length > 0) {
      const last = earpiece.chunks.at(-1)!;
      // Of the head chunk, `offset` bytes have been heard already.
      const heard = earpiece.chunks.length === 1 ? earpiece.offset : 0;
      const cut = Math.min(left, last.length - heard);
      left -= cut;
      if (cut === last.length) earpiece.chunks.pop();
      else earpiece.chunks[earpiece.chunks.length - 1] = last.subarray(0, last.length - cut);
      if (cut === 0) break;
    }
  }

  private echo(names: string[], cleared: boolean): void {
    for (const name of names) {
      this.sendMessage(twilioMarkEcho(this.ids.streamSid, this.sequence++, name));
      const mark = this.marks.find((m) => m.name === name && m.echoedAt === undefined);
      if (mark) Object.assign(mark, { echoedAt: this.now, cleared });
      this.record({ kind: 'mark-echoed', name, cleared });
    }
  }

  private rejectMessage(reason: string): void {
    this.invalid.push({ at: this.now, reason });
    this.record({ kind: 'invalid', reason });
  }

  private onClose(code: number, reason: string): void {
    this.stopRunning();
    this.record({ kind: 'closed', code, reason });
    for (const condition of this.conditions) {
      clearTimeout(condition.timer);
      if (condition.check()) condition.resolve();
      else condition.reject(new ParleyError('TEST_WAIT_TIMEOUT', `Waited for ${condition.description}: the call ended (close ${code}).`));
    }
    this.conditions.clear();
    this.log.close(`the call ended (close ${code})`);
    this.resolveClosed({ code, reason });
  }

  // Waiting on call-time conditions, checked on every tick and message.

  private waitUntil(check: () => boolean, description: string, timeoutMs: number, onTimeout?: () => Error): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const condition: Condition = {
        check,
        resolve,
        reject,
        description,
        timer: setTimeout(() => {
          this.conditions.delete(condition);
          reject(onTimeout?.() ?? new ParleyError('TEST_WAIT_TIMEOUT', `Waited for ${description}: timed out after ${timeoutMs} ms (call time ${Math.round(this.now)} ms).`));
        }, timeoutMs),
      };
      // A wait alone must not keep the process alive; the cadence timer does while the call runs.
      condition.timer.unref();
      this.conditions.add(condition);
    });
  }

  private checkConditions(): void {
    for (const condition of this.conditions) {
      if (!condition.check()) continue;
      this.conditions.delete(condition);
      clearTimeout(condition.timer);
      condition.resolve();
    }
  }

  private stuck(what: string, script: ConversationScript): ParleyError {
    const state = `call time ${Math.round(this.now)} ms; agent audio received ${this.buffer.receivedMs} ms, played ${Math.round(this.buffer.playedMs)} ms, queued ${Math.round(this.buffer.queuedMs)} ms; ${this.clears.length} clear(s)`;
    return new ParleyError('TEST_WAIT_TIMEOUT', `Twilio call simulator: waited ${this.options.stepTimeoutMs ?? 10_000} ms for ${what}.\n${state}\nScript:\n${script.describe()}`);
  }

  private record(event: DistributiveOmit<SimulatorEvent, 'seq' | 'at'>): void {
    this.log.push({ ...event, seq: this.log.nextSeq(), at: this.now } as SimulatorEvent);
  }

  private sendMessage(data: string | Buffer): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(data);
  }

  private stopRunning(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Call time stops with the call, so records made after it ended carry its end time.
    if (this.running && !this.manual) this.frozenAt = this.now;
    this.running = false;
  }
}

function describeEvent(e: SimulatorEvent): string {
  switch (e.kind) {
    case 'media':
      return `received ${e.bytes / MULAW_BYTES_PER_MS} ms of audio`;
    case 'mark':
    case 'mark-echoed':
      return `${e.kind} ${e.name}`;
    case 'clear':
      return `clear (dropped ${e.discardedMs} ms)`;
    case 'line-started':
    case 'line-ended':
      return `${e.kind} "${e.text}"`;
    case 'dtmf':
      return `dtmf ${e.digit}`;
    case 'invalid':
      return `invalid: ${e.reason}`;
    case 'unknown':
      return `unknown ${e.event}`;
    case 'closed':
      return `closed ${e.code}`;
    case 'stop':
      return 'stop';
  }
}
