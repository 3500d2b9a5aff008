/**
 * An append-only record of events with `waitFor`: tests wait on events, never
 * on fixed delays. A wait resolves as soon as a matching entry is (or already
 * was) recorded; its timeout only turns a hang into a readable failure.
 */
import { ParleyError } from '../errors/parley-error.js';

/** Anything recorded carries its position in the log. */
export interface Sequenced {
  /** 1, 2, 3, … in recording order. */
  seq: number;
}

/** How `waitFor` matches. */
export interface WaitOptions {
  /** Resolve on the nth match (1 = the first). Default 1. */
  nth?: number;
  /** Only consider entries recorded after this `seq` (e.g. a previous match's). Default 0: all. */
  after?: number;
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** What is awaited, in words, for the timeout message. */
  description?: string;
}

/** Default time a double waits before failing with the events it saw. */
export const DEFAULT_WAIT_MS = 5000;

interface Waiter<T> {
  predicate: (entry: T) => boolean;
  remaining: number;
  after: number;
  resolve: (entry: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  options: WaitOptions;
}

/** Recorded events in order, with `waitFor`. */
export class EventLog<T extends Sequenced> {
  readonly entries: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();
  private closedReason: string | undefined;

  /** `describe` turns an entry into a short line for timeout messages. */
  constructor(private readonly describe: (entry: T) => string) {}

  /** The `seq` the next entry will get. */
  nextSeq(): number {
    return this.entries.length + 1;
  }

  /** Records an entry (its `seq` must be `nextSeq()`) and wakes the waits it satisfies. */
  push(entry: T): void {
    this.entries.push(entry);
    for (const waiter of this.waiters) {
      if (entry.seq <= waiter.after) continue;
      let matched: boolean;
      try {
        matched = waiter.predicate(entry);
      } catch (error) {
        // A throwing predicate is a bug in the test: fail its wait with that error.
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (!matched || --waiter.remaining > 0) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(entry);
    }
  }

  /** The first entry (or the nth, after `after`) matching `predicate`, recorded already or later. */
  waitFor<S extends T>(predicate: (entry: T) => entry is S, options?: WaitOptions): Promise<S>;
  waitFor(predicate: (entry: T) => boolean, options?: WaitOptions): Promise<T>;
  waitFor(predicate: (entry: T) => boolean, options: WaitOptions = {}): Promise<T> {
    const after = options.after ?? 0;
    let remaining = options.nth ?? 1;
    try {
      for (const entry of this.entries) {
        if (entry.seq > after && predicate(entry) && --remaining === 0) return Promise.resolve(entry);
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (this.closedReason !== undefined) return Promise.reject(this.timeoutError(options, this.closedReason));
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        remaining,
        after,
        resolve,
        reject,
        options,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(this.timeoutError(options, `timed out after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Fails every pending wait (the double shut down) and every later one that is not already satisfied. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(this.timeoutError(waiter.options, reason));
    }
    this.waiters.clear();
  }

  private timeoutError(options: WaitOptions, why: string): ParleyError {
    const last = this.entries.slice(-12).map((e) => `  #${e.seq} ${this.describe(e)}`);
    const what = options.description ?? 'a matching event';
    const count = options.nth && options.nth > 1 ? ` (match #${options.nth})` : '';
    return new ParleyError('TEST_WAIT_TIMEOUT', `Waited for ${what}${count}: ${why}. Last events:\n${last.join('\n') || '  (none)'}`, {
      details: { awaited: what, seen: this.entries.length },
    });
  }
}
