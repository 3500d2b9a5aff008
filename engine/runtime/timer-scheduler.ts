/**
 * Where a call's flow timers run (`timer.start` effects: silence, `after`,
 * stage and call limits). Live calls use the wall clock; a flow test runs them
 * on its simulated call's clock, so a timer fires after that much call time —
 * never because the machine running the test was slow.
 */

/** An armed timer, as its scheduler handed it out. */
export type TimerHandle = unknown;

/** Arms and disarms one-shot timers. */
export interface TimerScheduler {
  /** Calls `callback` once, `ms` from now. */
  set(callback: () => void, ms: number): TimerHandle;
  /** Disarms a timer that has not fired (a handle that fired already is ignored). */
  clear(handle: TimerHandle): void;
}

/** The wall clock (`setTimeout`): what live calls use. */
export const wallClockTimers: TimerScheduler = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
