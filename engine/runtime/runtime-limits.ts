/**
 * The bounds of every wait in a live call. Nothing in the runtime waits on a
 * timer to sequence events; these only bound how long a wait on an event may
 * last before the call moves on without it (the runtime's watchdog).
 */

/** Bounds of the call runtime's waits, in milliseconds. */
export interface RuntimeLimits {
  /** A caller turn's answer waits this long for its transcript when the stage routes on the caller's words (keywords, pattern, turn budget). */
  transcriptWaitMs: number;
  /** A response waits this long for the caller to finish speaking. */
  callerSpeakingWaitMs: number;
  /** A step waits this long for the response in progress to finish; then that response is cancelled. */
  responseWaitMs: number;
  /** A step waits this long for the model connection to be usable (connect or reconnect, and the stage's acknowledgement). */
  modelReadyWaitMs: number;
  /** Hang-up and transfer wait for the queued audio to play, plus this much. */
  playbackGraceMs: number;
  /** `onEnd` may take this long after the call is over before the record is closed without its outcome. */
  endGraceMs: number;
  /** `session.updated` must arrive within this, or the connection counts as dead. */
  sessionAckTimeoutMs: number;
  /** A lost model connection must be restored (stage re-applied, conversation replayed) within this. */
  reconnectBudgetMs: number;
}

/** The bounds used unless a test or the engine's options say otherwise. */
export const DEFAULT_RUNTIME_LIMITS: RuntimeLimits = {
  transcriptWaitMs: 1500,
  callerSpeakingWaitMs: 3000,
  responseWaitMs: 30_000,
  modelReadyWaitMs: 8000,
  playbackGraceMs: 3000,
  endGraceMs: 15_000,
  sessionAckTimeoutMs: 3000,
  reconnectBudgetMs: 2000,
};
