/**
 * The phone leg of a call on Twilio Media Streams (bidirectional
 * `<Connect><Stream>`): one WebSocket from Twilio. Caller audio is handed on
 * untouched (the base64 μ-law payload goes to the model as `audio/pcmu`: no
 * decode, no copy, no store write per frame); agent audio goes back as `media`
 * with a `mark` every 100 ms, so the PlaybackTracker knows what the caller heard; a
 * barge-in sends `clear`. Transfer and hang-up go through Twilio's REST API
 * (the stream itself cannot end a call with TwiML).
 *
 * Every message goes through `parseTwilioMessage` (never throws) and one switch
 * with one named handler per case. Bad frames are counted and the first few
 * reported; they never reach the model or end the call.
 */
import type { WebSocket } from 'ws';
import { ParleyError } from '../errors/parley-error.js';
import type { StateSignal } from '../util/state-signal.js';
import { createTickBatcher } from '../util/tick-batcher.js';
import { PlaybackTracker, type PendingMark } from './playback-tracker.js';
import { parseTwilioMessage, twilioClear, twilioMark, twilioMedia, type TwilioMediaMessage, type TwilioStartMessage } from './twilio-media-messages.js';
import type { TwilioRest } from './twilio-rest.js';
import { dialTwiml, hangupTwiml } from './twiml.js';

/** The phone leg as the CallSession drives it (transport-neutral). */
export interface PhoneLeg {
  /** Messages from the phone side that could not be used (counted; never fatal). */
  readonly invalidMessages: number;
  /** Agent audio queued at the caller and not yet played (or its mark not echoed). */
  readonly playing: boolean;
  /** Agent audio sent and not yet played, ms (estimated). */
  queuedMs(): number;
  /** Plays agent audio of `itemId` (base64, the call's encoding), `ms` long. */
  playAudio(itemId: string, payload: string, ms: number): void;
  /** Marks the end of a response's audio; `onTurnPlayed(responseId)` fires once it has played. */
  endTurn(responseId: string): void;
  /** How much of an item's audio the caller has heard, ms (estimated between mark echoes). */
  itemPlayedMs(itemId: string): number | undefined;
  itemSentMs(itemId: string): number | undefined;
  /** Drops audio not yet played (barge-in); returns the response turn-ends that will never play. */
  interrupt(): string[];
  /** Hands the call to `to` (E.164 or `sip:`), saying `say` first when given (used when the model is gone). */
  transfer(to: string, options?: { callerId?: string; say?: string }): Promise<void>;
  /** Ends the call, saying `say` first when given. */
  hangUp(options?: { say?: string }): Promise<void>;
  /** Closes the leg without touching the call (the call is already over). */
  close(): void;
}

/** What the phone leg reports to its call. */
export interface PhoneLegEvents {
  /** Caller audio (base64 μ-law, one 20 ms frame). The hot path. */
  onCallerAudio(payload: string): void;
  onDtmf(digit: string): void;
  /** All audio of a response has played. */
  onTurnPlayed(responseId: string): void;
  /** The stream ended: Twilio's `stop` (hang-up, transfer, …) or the socket closed. */
  onStreamEnded(how: 'stop' | 'closed'): void;
  /** A message Parley could not use (counted; only the first few are reported). */
  onInvalidMessage(error: { code: string; message: string }, count: number): void;
}

/** The longest caller audio payload accepted in one message: 1 s of μ-law, base64 (Twilio sends 20 ms). */
const MAX_PAYLOAD_CHARS = Math.ceil((8000 * 4) / 3) + 4;
/** Invalid messages reported one by one per call; the rest are counted. */
const REPORTED_INVALID = 5;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Close codes: normal, and "policy" when Parley refuses a stream. */
const NORMAL_CLOSE = 1000;
const REFUSED_CLOSE = 1008;

/** How a stream reports its start and reaches Twilio REST. */
export interface TwilioMediaStreamOptions {
  /** Called once with the `start` message; the call attaches its events (or refuses the stream). */
  onStart(stream: TwilioMediaStream, start: TwilioStartMessage): void;
  /** Notified when playback state changes (marks echoed, audio cleared). */
  signal?: StateSignal;
  /** Twilio REST, for transfer and hang-up; absent when Twilio's account SID is not configured. */
  rest?: TwilioRest;
  /** Monotonic ms (default `performance.now`). */
  now?: () => number;
}

/** One Twilio media stream. */
export class TwilioMediaStream implements PhoneLeg {
  streamSid = '';
  callSid = '';
  /** Caller frames received and handed on. */
  framesIn = 0;
  /** Agent audio chunks sent. */
  chunksOut = 0;
  /** Messages that could not be used. */
  invalidMessages = 0;
  /** Frames that arrived before the call attached (or after it ended). */
  unattachedFrames = 0;
  ended = false;

  private events: PhoneLegEvents | undefined;
  private signal: StateSignal | undefined;
  private readonly tracker: PlaybackTracker;
  private started = false;
  /** Media and its mark (and whatever else goes out this tick) leave in one write. */
  private readonly batch: () => void;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: TwilioMediaStreamOptions,
  ) {
    this.tracker = new PlaybackTracker(options.now ?? (() => performance.now()));
    this.signal = options.signal;
    this.batch = createTickBatcher(socket);
    socket.on('message', (data) => this.onMessage(data));
    socket.on('close', () => this.onSocketClosed());
    socket.on('error', () => undefined);
  }

  /** The call takes the stream: from now on its events receive caller audio, keys and the end. */
  attach(events: PhoneLegEvents, signal: StateSignal): void {
    this.events = events;
    this.signal = signal;
  }

  /** Refuses the stream (unknown call, bad state): closes it, which ends the call's `<Connect>`. */
  refuse(): void {
    this.ended = true;
    this.socket.close(REFUSED_CLOSE);
  }

  get playing(): boolean {
    return this.tracker.playing;
  }

  queuedMs(): number {
    return this.tracker.queuedMs();
  }

  playAudio(itemId: string, payload: string, ms: number): void {
    if (this.ended) return;
    this.batch();
    this.socket.send(twilioMedia(this.streamSid, payload));
    const mark = this.tracker.audioSent(itemId, ms);
    if (mark !== undefined) this.socket.send(twilioMark(this.streamSid, mark));
    this.chunksOut++;
  }

  endTurn(responseId: string): void {
    if (this.ended) return;
    this.socket.send(twilioMark(this.streamSid, this.tracker.turnEndSent(responseId)));
  }

  itemPlayedMs(itemId: string): number | undefined {
    return this.tracker.itemPlayedMs(itemId);
  }

  itemSentMs(itemId: string): number | undefined {
    return this.tracker.itemSentMs(itemId);
  }

  interrupt(): string[] {
    if (!this.ended) this.socket.send(twilioClear(this.streamSid));
    const dropped = this.tracker.cleared();
    this.signal?.notify();
    return dropped.filter((mark) => mark.kind === 'turn-end').map((mark) => mark.responseId!);
  }

  async transfer(to: string, options: { callerId?: string; say?: string } = {}): Promise<void> {
    if (!this.options.rest || !this.callSid) throw new ParleyError('TWILIO_NOT_CONFIGURED', 'Transferring a call needs Twilio\'s REST API: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    await this.options.rest.redirect(this.callSid, dialTwiml(to, options));
  }

  async hangUp(options: { say?: string } = {}): Promise<void> {
    let redirected = false;
    try {
      if (this.options.rest && this.callSid) {
        if (options.say) {
          await this.options.rest.redirect(this.callSid, hangupTwiml(options.say));
          redirected = true;
        } else {
          await this.options.rest.hangUp(this.callSid);
        }
      }
    } finally {
      // Closing the stream ends `<Connect>` and, with no TwiML after it, the call. After a redirect Twilio
      // ends the stream itself and plays the new TwiML (the goodbye) first.
      if (!redirected) this.close();
    }
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.close(NORMAL_CLOSE);
  }

  // What Twilio sends: one switch, one handler per case.

  private onMessage(data: unknown): void {
    const message = parseTwilioMessage(data);
    switch (message.type) {
      case 'media':
        return this.onMedia(message);
      case 'mark':
        return this.onMark(message.streamSid, message.name);
      case 'dtmf':
        return this.onDtmf(message.streamSid, message.digit);
      case 'start':
        return this.onStart(message);
      case 'stop':
        return this.onStop(message.streamSid);
      case 'connected':
        return;
      case 'unknown':
        // Events Parley does not use (Twilio may add some): ignored, as the protocol intends.
        return;
      case 'invalid':
        return this.onInvalid(message.error.message);
    }
  }

  private onMedia(message: TwilioMediaMessage): void {
    const events = this.events;
    if (events === undefined || this.ended) {
      this.unattachedFrames++;
      return;
    }
    if (message.streamSid !== this.streamSid) return this.onInvalid(`media for stream ${message.streamSid.slice(0, 40)}, not this call's stream`);
    const payload = message.payload;
    if (payload.length > MAX_PAYLOAD_CHARS || payload.length % 4 !== 0 || !BASE64.test(payload)) return this.onInvalid(`media payload is not base64 audio of at most 1 s (${payload.length} characters)`);
    // Only the caller's track is bridged (a stream may also carry the outbound track).
    if (message.track !== 'inbound' && message.track !== 'inbound_track') return;
    this.framesIn++;
    events.onCallerAudio(payload);
  }

  private onMark(streamSid: string, name: string): void {
    if (streamSid !== this.streamSid) return this.onInvalid('mark for another stream');
    const settled: PendingMark[] = this.tracker.markEchoed(name);
    if (settled.length === 0) return;
    for (const mark of settled) if (mark.kind === 'turn-end') this.events?.onTurnPlayed(mark.responseId!);
    this.signal?.notify();
  }

  private onDtmf(streamSid: string, digit: string): void {
    if (streamSid !== this.streamSid) return this.onInvalid('dtmf for another stream');
    if (!/^[0-9*#]$/.test(digit)) return this.onInvalid('dtmf digit is not 0-9, * or #');
    this.events?.onDtmf(digit);
  }

  private onStart(start: TwilioStartMessage): void {
    if (this.started) return this.onInvalid('a second start message');
    this.started = true;
    this.streamSid = start.streamSid;
    this.callSid = start.callSid;
    if (start.mediaFormat.encoding !== 'audio/x-mulaw' || start.mediaFormat.sampleRate !== 8000) {
      this.onInvalid(`unexpected media format ${start.mediaFormat.encoding} at ${start.mediaFormat.sampleRate} Hz; Parley relays 8 kHz μ-law`);
    }
    this.options.onStart(this, start);
  }

  private onStop(streamSid: string): void {
    if (streamSid !== this.streamSid) return this.onInvalid('stop for another stream');
    this.end('stop');
  }

  private onSocketClosed(): void {
    this.end('closed');
  }

  private end(how: 'stop' | 'closed'): void {
    const wasEnded = this.ended;
    this.ended = true;
    if (how === 'stop' && !wasEnded) this.socket.close(NORMAL_CLOSE);
    const events = this.events;
    this.events = undefined;
    events?.onStreamEnded(how);
    this.signal?.notify();
  }

  private onInvalid(message: string): void {
    this.invalidMessages++;
    if (this.invalidMessages <= REPORTED_INVALID) this.events?.onInvalidMessage({ code: 'TWILIO_MESSAGE_INVALID', message }, this.invalidMessages);
  }
}

