/**
 * Keys of the timers the interpreter asks for (`timer.start`), built here and
 * nowhere else. Each key names the stage entry (its sequence number) and, for
 * silence timers, the agent turn it follows, so a timer that fires after its
 * stage was left or after the caller spoke matches nothing armed and is ignored:
 * a stale timer is harmless even if the runtime never cancelled it.
 */
export const timerKey = {
  /** The whole call's `maxCallDuration`. */
  callDuration: (): string => 'call/max-duration',
  /** A stage's `maxDuration`, for the stage entry `seq`. */
  stageDuration: (seq: number): string => `stage-${seq}/max-duration`,
  /** A transition's `after`. */
  after: (seq: number, transition: string): string => `stage-${seq}/after/${transition}`,
  /** A transition's `silence`, after agent turn `turn` of the entry. */
  silence: (seq: number, turn: number, transition: string): string => `stage-${seq}/silence-${turn}/${transition}`,
  /** The `limits.silence` re-prompt timer, after agent turn `turn`. */
  reprompt: (seq: number, turn: number): string => `stage-${seq}/silence-${turn}/reprompt`,
} as const;
