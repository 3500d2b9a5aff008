/**
 * The time of a simulated call in a flow test. The Twilio call simulator runs
 * on manual pacing and this clock moves it, a 20 ms frame at a time, only
 * while something needs call time to pass: the caller speaking, the agent's
 * audio playing, a silence the case asks for. The flow's timers (silence,
 * `after`, limits) run on the same call time, so they fire after that much of
 * the call — never because the machine running the test was slow — and the
 * call is as fast as the machine allows where realism is not needed.
 *
 * It is also the call's wall clock (`Clock`): the case's `now` plus the call
 * time, for the connectors (calendar hours, slots) and the flow (`$now()`).
 */
import { TWILIO_FRAME_MS } from '../audio/mulaw.js';
import type { TimerHandle, TimerScheduler } from '../runtime/timer-scheduler.js';
import type { TwilioCallSimulator } from '../testing/twilio-call-simulator.js';
import type { Clock } from '../util/clock.js';

interface CallTimer {
  due: number;
  seq: number;
  callback: () => void;
}

/** Call time for one simulated call: a clock, the flow's timer scheduler, and what moves the simulator. */
export class CallClock implements Clock, TimerScheduler {
  private simulator: TwilioCallSimulator | undefined;
  private readonly timers = new Set<CallTimer>();
  private seq = 0;

  /** `startMs`: the call's start, epoch ms (the case's `now`). */
  constructor(private readonly startMs: number) {}

  /** Milliseconds of call time since the simulated call started. */
  get callTime(): number {
    return this.simulator?.now ?? 0;
  }

  /** Epoch ms: the case's `now` plus the call time. */
  now(): number {
    return this.startMs + this.callTime;
  }

  /** The call this clock moves (manual pacing). */
  attach(simulator: TwilioCallSimulator): void {
    this.simulator = simulator;
  }

  set(callback: () => void, ms: number): TimerHandle {
    const timer: CallTimer = { due: this.callTime + Math.max(0, ms), seq: ++this.seq, callback };
    this.timers.add(timer);
    return timer;
  }

  clear(handle: TimerHandle): void {
    this.timers.delete(handle as CallTimer);
  }

  /** Call time until the next armed timer fires, or undefined when none is armed. */
  get nextTimerIn(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers) next = next === undefined ? timer.due : Math.min(next, timer.due);
    return next === undefined ? undefined : Math.max(0, next - this.callTime);
  }

  /** Moves call time on by whole frames (at least one), firing timers as they fall due, in order. */
  advance(ms: number): void {
    const simulator = this.simulator;
    if (!simulator) throw new Error('CallClock.advance: no simulated call is attached');
    const frames = Math.max(1, Math.round(ms / TWILIO_FRAME_MS));
    for (let i = 0; i < frames; i++) {
      simulator.advance(TWILIO_FRAME_MS);
      this.fireDue();
    }
  }

  /** Fires the timers due by now, earliest first (a timer armed by one that fires waits its turn). */
  private fireDue(): void {
    for (;;) {
      let due: CallTimer | undefined;
      for (const timer of this.timers) if (timer.due <= this.callTime && (!due || timer.due < due.due || (timer.due === due.due && timer.seq < due.seq))) due = timer;
      if (!due) return;
      this.timers.delete(due);
      due.callback();
    }
  }
}
