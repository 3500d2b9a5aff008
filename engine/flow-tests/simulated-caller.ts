/**
 * The caller of a `parley test --live` run: a second OpenAI Realtime session
 * (speech to speech, `audio/pcmu` both ways, server VAD) playing a person
 * with the case's persona and goal. It hears what the Twilio call
 * simulator's earpiece plays (`hear`, 20 ms frames appended to its input
 * buffer), answers by itself when the agent stops talking (`create_response`),
 * and its speech comes out as whole 20 ms μ-law frames (`onSpeech`) for the
 * simulator to send at Twilio's cadence. It is never interrupted
 * (`interrupt_response: false`): its audio is generated faster than it plays,
 * so a cut-off response would still be heard whole by the agent.
 *
 * It hangs up by calling its one function, `end_call`, once the goal is
 * reached or cannot be; `whenDone` resolves then (after `response.done`), or
 * when its connection fails. Same wire as the engine's ModelSession (`ws`,
 * GA events, every frame through `parseServerEvent`).
 */
import { WebSocket } from 'ws';
import { MULAW_SILENCE, TWILIO_FRAME_BYTES } from '../audio/mulaw.js';
import { appendAudioMessage, responseCreate, sessionUpdate } from '../realtime/client-event-builders.js';
import { parseServerEvent, type ParsedServerEvent } from '../realtime/parse-server-event.js';

/** The function the simulated caller calls to hang up. */
export const CALLER_END_TOOL = 'end_call';
/** Silence that ends a turn of the agent for the caller (a little longer than the API's 500 ms default: agents pause mid-thought). */
export const CALLER_SILENCE_MS = 700;
/** Longest wait for the caller session's `session.updated`. */
const CALLER_CONNECT_TIMEOUT_MS = 10_000;

/** Who the simulated caller is. */
export interface CallerBrief {
  persona: string;
  goal: string;
  /** `inbound`: the caller phoned the business; `outbound`: the business phoned them. */
  direction: 'inbound' | 'outbound';
  /** The day of the call (the case's `now`), e.g. `2026-01-06`. */
  today?: string;
}

/** How to reach the caller's model. */
export interface SimulatedCallerOptions {
  /** `OPENAI_REALTIME_URL`, without the model. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never logged. */
  apiKey: string;
  voice?: string;
  brief: CallerBrief;
  /** The caller's speech: whole 20 ms frames of μ-law, in order. */
  onSpeech(audio: Uint8Array): void;
}

/** Why the caller stopped. */
export type CallerDone = { reason: 'goal' } | { reason: 'failed'; message: string };

/** The instructions of the caller's session. */
export function callerInstructions(brief: CallerBrief): string {
  return [
    'You are playing a person on a phone call with a business\'s automated phone agent, to test that agent. Stay in character the whole call; never say you are an AI, a model or a test.',
    '',
    `Who you are: ${brief.persona}`,
    `What you want from this call: ${brief.goal}`,
    brief.direction === 'inbound' ? 'You phoned the business.' : 'The business phoned you and you picked up.',
    ...(brief.today ? [`Today is ${brief.today}.`] : []),
    '',
    'Talk as people do on the phone: one or two short sentences a turn, answer what you are asked, and make up plausible details that fit who you are when asked for them.',
    `When your goal is reached, or it clearly cannot be reached, say a short goodbye and call the ${CALLER_END_TOOL} function in the same turn.`,
  ].join('\n');
}

/** A simulated caller's realtime session. */
export class SimulatedCaller {
  /** The caller's lines, as its model transcribed its own speech. */
  readonly lines: string[] = [];
  /** Responses the caller has finished (its turns). */
  turns = 0;
  /** Whether the caller has heard speech yet (its VAD started a turn of the agent). */
  heardSpeech = false;
  /** Whether a response of the caller is under way. */
  responding = false;
  /** Resolves when the caller calls `end_call`, or its session fails. */
  readonly whenDone: Promise<CallerDone>;

  private ws: WebSocket | undefined;
  private ready = false;
  private pending: Uint8Array = new Uint8Array(0);
  private resolveDone!: (done: CallerDone) => void;
  private onReady: (() => void) | undefined;
  private turnWaiters: Array<{ n: number; resolve: () => void }> = [];
  private finished = false;

  constructor(private readonly options: SimulatedCallerOptions) {
    this.whenDone = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Connects and configures the session; resolves once the API has acknowledged it, rejects if it refuses. */
  async connect(): Promise<void> {
    const url = `${this.options.url}?model=${encodeURIComponent(this.options.model)}`;
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${this.options.apiKey}` }, perMessageDeflate: false, handshakeTimeout: CALLER_CONNECT_TIMEOUT_MS });
    this.ws = ws;
    const configured = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the caller's session was not configured within ${CALLER_CONNECT_TIMEOUT_MS} ms`)), CALLER_CONNECT_TIMEOUT_MS);
      this.onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      void this.whenDone.then((done) => {
        clearTimeout(timer);
        reject(new Error(done.reason === 'failed' ? done.message : 'the caller hung up before its session was configured'));
      });
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        this.finish({ reason: 'failed', message: `the realtime API refused the caller's connection (HTTP ${response.statusCode ?? '?'})` });
      });
    });
    ws.on('error', (error) => this.finish({ reason: 'failed', message: `the caller's realtime connection failed: ${error.message}` }));
    ws.on('close', (code, reason) => this.finish({ reason: 'failed', message: `the caller's realtime connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` }));
    ws.on('message', (data) => this.handleMessage(parseServerEvent(data)));
    ws.once('open', () => {
      const settings = sessionUpdate({
        instructions: callerInstructions(this.options.brief),
        tools: [{ type: 'function', name: CALLER_END_TOOL, description: 'Hang up the phone: the goal of the call is reached, or it cannot be.', parameters: { type: 'object', properties: {}, additionalProperties: false } }],
        toolChoice: 'auto',
        ...(this.options.voice ? { voice: this.options.voice } : {}),
        turnDetection: { type: 'server_vad', silenceMs: CALLER_SILENCE_MS, interruptible: false },
        createResponse: true,
      });
      ws.send(JSON.stringify(settings));
    });
    await configured;
  }

  /** Resolves once the caller has finished `n` turns (responses). */
  whenTurns(n: number): Promise<void> {
    if (this.turns >= n) return Promise.resolve();
    return new Promise((resolve) => this.turnWaiters.push({ n, resolve }));
  }

  /** 20 ms of what the caller hears (μ-law), into its input buffer. */
  hear(frame: Uint8Array): void {
    if (!this.ready || this.finished || this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(appendAudioMessage(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64')));
  }

  /** The caller speaks without being spoken to (the agent has said nothing). */
  speakFirst(): void {
    if (!this.ready || this.finished || this.responding || this.ws?.readyState !== WebSocket.OPEN) return;
    this.responding = true;
    this.ws.send(JSON.stringify(responseCreate()));
  }

  /** Closes the session (the run is over). */
  close(): void {
    this.finish({ reason: 'failed', message: 'the run closed the caller\'s session' });
    this.ws?.close(1000);
  }

  private finish(done: CallerDone): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveDone(done);
  }

  // The socket: one switch, one handler per event.

  private handleMessage(event: ParsedServerEvent): void {
    switch (event.type) {
      case 'session.updated':
        this.ready = true;
        this.onReady?.();
        return;
      case 'error':
        return this.onError(event.error.message, event.error.code ?? undefined);
      case 'input_audio_buffer.speech_started':
        this.heardSpeech = true;
        return;
      case 'response.created':
        this.responding = true;
        return;
      case 'response.output_audio.delta':
        return this.onAudio(Buffer.from(event.delta, 'base64'));
      case 'response.output_audio.done':
        return this.flushAudio();
      case 'response.output_audio_transcript.done':
        if (event.transcript.trim()) this.lines.push(event.transcript.trim());
        return;
      case 'response.done':
        return this.onResponseDone(event.response as { status?: string; output?: Array<{ type?: string; name?: string }>; status_details?: { error?: { message?: string } } });
      default:
        return;
    }
  }

  private onError(message: string, code: string | undefined): void {
    // An error before the session is configured ends the run; later ones (a cancel that came too late) do not.
    if (!this.ready) this.finish({ reason: 'failed', message: `the caller's session was refused: ${message}${code ? ` (${code})` : ''}` });
  }

  /** Whole frames go out at once; the rest waits for more audio (or the end of the response). */
  private onAudio(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending);
    joined.set(bytes, this.pending.length);
    const whole = joined.length - (joined.length % TWILIO_FRAME_BYTES);
    if (whole > 0) this.options.onSpeech(joined.subarray(0, whole));
    this.pending = joined.slice(whole);
  }

  private flushAudio(): void {
    if (this.pending.length === 0) return;
    const frame = new Uint8Array(TWILIO_FRAME_BYTES).fill(MULAW_SILENCE);
    frame.set(this.pending);
    this.pending = new Uint8Array(0);
    this.options.onSpeech(frame);
  }

  private onResponseDone(response: { status?: string; output?: Array<{ type?: string; name?: string }>; status_details?: { error?: { message?: string } } }): void {
    this.flushAudio();
    this.responding = false;
    this.turns++;
    for (const waiter of this.turnWaiters.filter((w) => this.turns >= w.n)) waiter.resolve();
    this.turnWaiters = this.turnWaiters.filter((w) => this.turns < w.n);
    if (response.status === 'failed') {
      this.finish({ reason: 'failed', message: `a response of the caller's model failed: ${response.status_details?.error?.message ?? 'no reason given'}` });
      return;
    }
    if ((response.output ?? []).some((item) => item.type === 'function_call' && item.name === CALLER_END_TOOL)) this.finish({ reason: 'goal' });
  }
}
