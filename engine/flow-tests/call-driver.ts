/**
 * Plays the caller's side of a flow test's call and knows when the call is
 * quiet again. A turn's caller action goes out through the Twilio call
 * simulator (speech as audio frames, keys as `dtmf`, a hang-up as `stop`);
 * then the driver moves call time on only while something needs it (the
 * caller's speech, the silence the speech detection waits for, the agent's
 * audio playing, a silence the case asks for) and otherwise lets the engine
 * work, until the call waits for the caller again: the engine reports itself
 * idle (nothing queued, no response asked for, nothing playing, no tool
 * running) twice in a row across a turn of the event loop, or the call is
 * over. Waits are on state, bounded by wall-clock limits that only catch a
 * call that stopped answering.
 */
import { ParleyError } from '../errors/parley-error.js';
import type { CallSession } from '../runtime/call-session.js';
import type { TwilioCallSimulator } from '../testing/twilio-call-simulator.js';
import type { CallClock } from './call-clock.js';

/** Bounds of the driver's waits. */
export interface DriverLimits {
  /** Wall-clock time a turn may take before the call counts as stuck. */
  turnTimeoutMs: number;
  /** Call time a caller line may take to be heard as a turn (speech detection). */
  turnDetectionMs: number;
}

export const DEFAULT_DRIVER_LIMITS: DriverLimits = { turnTimeoutMs: 20_000, turnDetectionMs: 10_000 };

/** A macrotask: lets sockets deliver what is in flight. */
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Drives one call's caller side on a call clock. */
export class CallDriver {
  private expectedTurns = 0;
  private expectedDigits = 0;
  private speaking = 0;
  private silenceUntil: number | undefined;
  private lineSpokenAt: number | undefined;
  private readonly limits: DriverLimits;

  constructor(
    private readonly session: CallSession,
    private readonly simulator: TwilioCallSimulator,
    private readonly clock: CallClock,
    limits: Partial<DriverLimits> = {},
  ) {
    this.limits = { ...DEFAULT_DRIVER_LIMITS, ...limits };
  }

  /** Whether the call is over (or ending: the flow's `onEnd` may still run). */
  get over(): boolean {
    return this.session.status === 'ending' || this.session.status === 'ended';
  }

  /** The caller says a line: its audio goes out frame by frame; the turn counts once the engine has it. */
  say(text: string): void {
    this.expectedTurns++;
    this.speaking++;
    void this.simulator.say(text).then(() => {
      this.speaking--;
      this.lineSpokenAt = this.clock.callTime;
    });
  }

  /** The caller presses keys. */
  press(digits: string): void {
    this.expectedDigits += digits.length;
    this.simulator.pressKeys(digits);
  }

  /** The caller stays silent for `ms` of call time (timers run meanwhile). */
  silence(ms: number): void {
    this.silenceUntil = this.clock.callTime + ms;
  }

  /** The caller hangs up. */
  async hangUp(): Promise<void> {
    await this.simulator.hangUp();
  }

  /** Something needs call time to pass: speech going out or awaited as a turn, agent audio playing, a silence. */
  private needsTime(): boolean {
    if (this.over) return false;
    if (this.speaking > 0 || this.session.heard.turns < this.expectedTurns) return true;
    const playback = this.simulator.playback;
    if (playback.queuedMs > 0.5 || playback.pendingMarks.length > 0) return true;
    return this.silenceUntil !== undefined && this.clock.callTime < this.silenceUntil;
  }

  private quiet(): boolean {
    if (this.over) return true;
    return !this.needsTime() && this.session.heard.digits >= this.expectedDigits && this.session.idle;
  }

  /** Runs the call until it waits for the caller again (or is over). `what` names the wait in a timeout's message. */
  async settle(what: string): Promise<void> {
    const deadline = performance.now() + this.limits.turnTimeoutMs;
    let quietChecks = 0;
    for (;;) {
      if (this.quiet()) {
        if (++quietChecks >= 2) break;
      } else quietChecks = 0;
      if (this.needsTime()) {
        if (this.speaking === 0 && this.session.heard.turns < this.expectedTurns && this.lineSpokenAt !== undefined && this.clock.callTime - this.lineSpokenAt > this.limits.turnDetectionMs) {
          throw new ParleyError('FLOW_TEST_CALL_FAILED', `${what}: the caller's line was spoken but never heard as a turn (${this.limits.turnDetectionMs} ms of call time without the speech detection ending it).`);
        }
        this.clock.advance(20);
      }
      if (performance.now() > deadline) throw new ParleyError('FLOW_TEST_CALL_FAILED', `${what}: the call did not settle within ${this.limits.turnTimeoutMs} ms (${this.describeState()}).`);
      await nextTick();
    }
    this.silenceUntil = undefined;
  }

  /** Waits (bounded) until the call's record is complete after it ended. */
  async finished(): Promise<boolean> {
    const done = await Promise.race([this.session.done.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), this.limits.turnTimeoutMs).unref())]);
    return done;
  }

  /** What the call is doing, for a timeout's message. */
  private describeState(): string {
    const playback = this.simulator.playback;
    return [
      `call time ${Math.round(this.clock.callTime)} ms`,
      `stage ${this.session.flowState.stage ?? 'none'}`,
      `engine ${this.session.idle ? 'idle' : 'busy'}`,
      `caller turns heard ${this.session.heard.turns}/${this.expectedTurns}`,
      `agent audio queued ${Math.round(playback.queuedMs)} ms`,
      this.session.model.responseInFlight ? 'a response is in flight' : 'no response in flight',
    ].join(', ');
  }
}
