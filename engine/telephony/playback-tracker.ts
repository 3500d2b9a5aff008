/**
 * What the caller has actually heard of the agent's audio, from Twilio `mark`
 * echoes. Twilio plays the audio Parley sends in order, without gaps while it
 * has audio queued, and echoes a `mark` once the audio sent before it has
 * played; there is no way to ask where playback is. So Parley sends a mark
 * after the first chunk of every item and then every `MARK_EVERY_MS` of audio
 * (every chunk when chunks are that long), and keeps one timeline of agent
 * audio.
 *
 * While audio is queued, playback runs at one millisecond per millisecond:
 * `played = now - start`, where `start` is when position 0 of the timeline
 * would have played. Two kinds of evidence bound `start`:
 *
 * - a send: playback cannot have (re)started before the audio was sent
 *   (a lower bound — Twilio starts one network trip later);
 * - an echo of the mark at position P arriving at time E: P had played by E
 *   (an upper bound — the echo took one network trip back).
 *
 * The estimate takes the tightest upper bound, the most prompt echo so far
 * (before the first echo: the send): it never claims the caller heard more
 * than an echo proves, and one late echo changes nothing. It is never less
 * than the last echoed position, never more than the audio sent, nor more
 * than `MARK_ECHO_SLACK_MS` past a mark that has not echoed (Twilio stalled).
 * A barge-in truncates the model's item at `itemPlayedMs(item)`. Pure
 * bookkeeping with an injected clock.
 */

/** A mark waiting for its echo. */
export interface PendingMark {
  name: string;
  /** Timeline position (ms of agent audio) at which it was sent. */
  endMs: number;
  /** `audio`: sent after a chunk; `turn-end`: sent after a response's last chunk. */
  kind: 'audio' | 'turn-end';
  /** For `turn-end`: the response whose audio has then fully played. */
  responseId?: string;
}

interface ItemSpan {
  /** Timeline position where the item's audio starts. */
  startMs: number;
  /** Audio of the item sent so far. */
  sentMs: number;
}

/** Audio between two marks: an echo every 100 ms is plenty for the estimate, and saves a message each way per 20 ms frame. */
export const MARK_EVERY_MS = 100;
/** How far playback may be estimated past a mark that has not echoed yet: beyond it, Twilio has stalled. */
export const MARK_ECHO_SLACK_MS = 200;
/** Items remembered for truncation: only the latest few can still be playing. */
const MAX_ITEMS = 8;

/** Tracks sent, echoed and (estimated) played agent audio of one call. */
export class PlaybackTracker {
  private sentMs = 0;
  /** Timeline position of the last mark sent. */
  private markedMs = 0;
  /** Timeline position of the last echoed mark. */
  private echoedMs = 0;
  /** Bounds of when position 0 would have played, for the current run of continuous playback. */
  private startLow = 0;
  private startHigh: number | undefined;
  private seq = 0;
  private readonly pending: PendingMark[] = [];
  private readonly items = new Map<string, ItemSpan>();

  /** `now` in milliseconds, monotonic (performance.now in production). */
  constructor(private readonly now: () => number) {}

  /** Audio sent to the caller that has not played yet (or whose mark has not echoed). */
  get playing(): boolean {
    return this.pending.length > 0 || this.playedMs() < this.sentMs;
  }

  /** Agent audio sent in the call so far, ms (after clears: what was kept). */
  get totalSentMs(): number {
    return this.sentMs;
  }

  /**
   * Records `ms` of audio of `itemId` sent to Twilio; returns the name of the
   * mark to send right after it, or undefined when this chunk needs none.
   */
  audioSent(itemId: string, ms: number): string | undefined {
    // Nothing left to play: playback (re)starts with this chunk, not before now.
    if (this.playedMs() >= this.sentMs) this.restart(this.sentMs);
    let item = this.items.get(itemId);
    const first = !item;
    if (!item) {
      item = { startMs: this.sentMs, sentMs: 0 };
      this.items.set(itemId, item);
      if (this.items.size > MAX_ITEMS) this.items.delete(this.items.keys().next().value as string);
    }
    this.sentMs += ms;
    item.sentMs += ms;
    if (!first && this.sentMs - this.markedMs < MARK_EVERY_MS) return undefined;
    return this.markSent('audio');
  }

  /** A mark that echoes once everything sent so far has played: the end of a response's audio. */
  turnEndSent(responseId: string): string {
    return this.markSent('turn-end', responseId);
  }

  private markSent(kind: PendingMark['kind'], responseId?: string): string {
    const name = `${kind === 'audio' ? 'a' : 't'}${++this.seq}`;
    this.pending.push({ name, endMs: this.sentMs, kind, ...(responseId ? { responseId } : {}) });
    this.markedMs = this.sentMs;
    return name;
  }

  /**
   * An echo arrived. Returns the marks it settles (Twilio echoes in order, so
   * every mark before it too), or an empty list for a mark that is unknown or
   * was dropped by a clear.
   */
  markEchoed(name: string): PendingMark[] {
    const index = this.pending.findIndex((mark) => mark.name === name);
    if (index < 0) return [];
    const settled = this.pending.splice(0, index + 1);
    this.echoedMs = settled[settled.length - 1]!.endMs;
    const implied = this.now() - this.echoedMs;
    if (implied < this.startLow) {
      // Playback is further along than the sends said (it never ran dry): trust the echo.
      this.startLow = implied;
      this.startHigh = implied;
    } else if (this.startHigh === undefined || implied < this.startHigh) {
      this.startHigh = implied;
    }
    return settled;
  }

  /** Estimated timeline position played by now. */
  playedMs(): number {
    if (this.echoedMs >= this.sentMs) return this.sentMs;
    const start = this.startHigh ?? this.startLow;
    const linear = this.now() - start;
    const next = this.pending[0];
    const cap = next ? Math.min(this.sentMs, next.endMs + MARK_ECHO_SLACK_MS) : this.sentMs;
    return Math.max(this.echoedMs, Math.min(linear, cap));
  }

  /** Audio sent and not yet played, ms (estimated). */
  queuedMs(): number {
    return Math.max(0, this.sentMs - this.playedMs());
  }

  /** How much of `itemId`'s audio has played (0 … sent), or undefined for an item not seen. */
  itemPlayedMs(itemId: string): number | undefined {
    const item = this.items.get(itemId);
    if (!item) return undefined;
    return Math.min(item.sentMs, Math.max(0, this.playedMs() - item.startMs));
  }

  /** Audio of `itemId` sent so far, or undefined. */
  itemSentMs(itemId: string): number | undefined {
    return this.items.get(itemId)?.sentMs;
  }

  /**
   * A `clear` was sent: audio not yet played is gone. Returns the marks that
   * will never echo as played (Twilio echoes them at once, and they are
   * ignored as unknown).
   */
  cleared(): PendingMark[] {
    const played = this.playedMs();
    const dropped = this.pending.splice(0);
    this.sentMs = played;
    this.echoedMs = played;
    this.markedMs = played;
    this.restart(played);
    this.items.clear();
    return dropped;
  }

  /** Playback (re)starts at `positionMs` now. */
  private restart(positionMs: number): void {
    this.startLow = this.now() - positionMs;
    this.startHigh = undefined;
  }
}
