/**
 * Twilio's outbound audio buffer, as the call simulator models it: audio
 * Parley sends is queued and plays in real time (call time), `mark`s wait in
 * the queue and are echoed once the audio before them has played, and `clear`
 * drops what has not played and echoes every pending mark at once. Positions
 * are in bytes of μ-law (8 a millisecond) along everything ever received.
 */
import { MULAW_BYTES_PER_MS } from '../audio/mulaw.js';

interface PendingMark {
  name: string;
  /** Stream position the mark sits at: the audio received before it. */
  position: number;
}

/** Twilio's queue of audio to play, with its marks. */
export class PlaybackBuffer {
  /** Bytes received in total. */
  receivedBytes = 0;
  /** Bytes played in total. */
  playedBytes = 0;
  /** Bytes dropped by `clear` in total. */
  discardedBytes = 0;
  private clockMs = 0;
  private readonly marks: PendingMark[] = [];

  /** Bytes waiting to play. */
  get queuedBytes(): number {
    return this.receivedBytes - this.playedBytes - this.discardedBytes;
  }

  /** Where playback is along the stream (played or dropped). */
  get cursor(): number {
    return this.playedBytes + this.discardedBytes;
  }

  get receivedMs(): number {
    return this.receivedBytes / MULAW_BYTES_PER_MS;
  }

  get playedMs(): number {
    return this.playedBytes / MULAW_BYTES_PER_MS;
  }

  get queuedMs(): number {
    return this.queuedBytes / MULAW_BYTES_PER_MS;
  }

  get discardedMs(): number {
    return this.discardedBytes / MULAW_BYTES_PER_MS;
  }

  /** Names of marks not echoed yet, in order. */
  get pendingMarks(): string[] {
    return this.marks.map((m) => m.name);
  }

  /** Plays audio up to call time `nowMs`; returns the names of marks now reached, in order. */
  advanceTo(nowMs: number): string[] {
    const elapsed = Math.max(0, nowMs - this.clockMs);
    this.clockMs = Math.max(this.clockMs, nowMs);
    this.playedBytes += Math.min(this.queuedBytes, elapsed * MULAW_BYTES_PER_MS);
    return this.reachedMarks();
  }

  /** Queues received audio at call time `nowMs` (playback first catches up to `nowMs`). Returns marks reached meanwhile. */
  enqueue(bytes: number, nowMs: number): string[] {
    const reached = this.advanceTo(nowMs);
    this.receivedBytes += bytes;
    return reached;
  }

  /** Queues a mark; returns it (and any earlier) at once when no audio is waiting before it. */
  mark(name: string, nowMs: number): string[] {
    const reached = this.advanceTo(nowMs);
    this.marks.push({ name, position: this.receivedBytes });
    return [...reached, ...this.reachedMarks()];
  }

  /**
   * Drops the queued audio. Returns what was dropped, the marks that had
   * played anyway (playback catching up to `nowMs`) and those echoed because of the clear.
   */
  clear(nowMs: number): { discardedBytes: number; playedMarks: string[]; clearedMarks: string[] } {
    const playedMarks = this.advanceTo(nowMs);
    const discardedBytes = this.queuedBytes;
    this.discardedBytes += discardedBytes;
    return { discardedBytes, playedMarks, clearedMarks: this.reachedMarks() };
  }

  private reachedMarks(): string[] {
    const reached: string[] = [];
    // A fraction of a byte short is a rounding artefact of real-time clocks, not audio left to play.
    while (this.marks.length > 0 && this.marks[0]!.position <= this.cursor + 1e-6) reached.push(this.marks.shift()!.name);
    return reached;
  }
}
