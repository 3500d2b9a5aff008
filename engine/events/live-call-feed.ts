/**
 * One subscriber's view of a call's events as they are recorded: first what is
 * stored already (after a given `seq`), then each new event, in `seq` order,
 * without repeats — until the call has ended.
 *
 * Two sources feed it. Events appended in this process arrive at once from the
 * call-event bus. Events appended by another process sharing the store are
 * found by polling the store every `pollMs` (with MongoDB, a change stream
 * would replace the poll; see docs/scaling.md). Every delivery goes through
 * one cursor, `next` (the seq expected next), so the two sources never
 * duplicate or reorder anything.
 *
 * Gaps: a writer reserves seq numbers, then inserts the events, so another
 * process's event n may become visible after our event n+1. Events after a
 * gap are held back until it fills; a gap still open after `gapGraceMs` is a
 * number reserved by a writer that crashed before writing, and is skipped.
 */
import { isParleyError } from '../errors/parley-error.js';
import type { CallEvent } from '../store/call-event.js';
import { isFinalStatus, type CallRecord, type CallRepository } from '../store/call-repository.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { CallEventBus } from './call-event-bus.js';

/** Where a live feed reads from and what it calls. */
export interface LiveCallFeedOptions {
  calls: CallRepository;
  bus: CallEventBus;
  callId: string;
  /** Deliver events after this seq (0: from the first). */
  after: number;
  /** How often to look in the store for events from other processes, and for the call's end. */
  pollMs: number;
  /** How long a hole in the numbers may stay open before it is taken as permanent. Default 2000 ms. */
  gapGraceMs?: number;
  /** Events read from the store per query. Default 500. */
  pageSize?: number;
  clock?: Clock;
  /** Each event, once, in seq order. */
  onEvent(event: CallEvent): void;
  /** The call reached a final status and every event stored so far was delivered; the feed has stopped. */
  onEnd(call: CallRecord): void;
  /** A store read failed; the feed retries at the next poll. */
  onError(error: unknown): void;
}

/** A running feed. */
export interface LiveCallFeed {
  /** Stops listening and polling; idempotent. */
  stop(): void;
  /** The seq of the last event delivered (the `after` it started from until one is). */
  readonly lastSeq: number;
}

const DEFAULT_GAP_GRACE_MS = 2000;
const DEFAULT_PAGE_SIZE = 500;

/** Starts a feed: reads the backlog at once, then follows the call until it ends or `stop()`. */
export function createLiveCallFeed(options: LiveCallFeedOptions): LiveCallFeed {
  const { calls, bus, callId, onEvent } = options;
  const clock = options.clock ?? systemClock;
  const gapGraceMs = options.gapGraceMs ?? DEFAULT_GAP_GRACE_MS;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let next = options.after + 1;
  /** When the first event past a hole was seen, while the hole is open. */
  let gapSince: number | undefined;
  let stopped = false;
  let pulling = false;
  let pullAgain = false;
  let checkEndAgain = false;

  const deliver = (event: CallEvent) => {
    next = event.seq + 1;
    gapSince = undefined;
    onEvent(event);
  };

  /** Delivers stored events from `next` on, in order; false when it stopped at a hole that may still fill. */
  const walk = (items: CallEvent[]): boolean => {
    for (const event of items) {
      if (stopped) return true;
      if (event.seq < next) continue;
      if (event.seq > next) {
        const now = clock.now();
        gapSince ??= now;
        if (now - gapSince < gapGraceMs) return false;
        // The hole outlived the grace period: its writer died before writing.
      }
      deliver(event);
    }
    return true;
  };

  const pull = async (checkEnd: boolean): Promise<void> => {
    if (pulling) {
      pullAgain = true;
      checkEndAgain ||= checkEnd;
      return;
    }
    pulling = true;
    try {
      let caughtUp = false;
      for (;;) {
        const page = await calls.listEvents(callId, { afterSeq: next - 1, limit: pageSize });
        if (stopped) return;
        caughtUp = walk(page.items);
        if (!caughtUp || page.items.length < pageSize) break;
      }
      if (checkEnd && caughtUp && gapSince === undefined) {
        const call = await calls.get(callId);
        if (stopped) return;
        if (isFinalStatus(call.status)) {
          // Events recorded between the last read and the status read are still delivered.
          const tail = await calls.listEvents(callId, { afterSeq: next - 1 });
          if (stopped) return;
          walk(tail.items);
          stop();
          options.onEnd(call);
          return;
        }
      }
    } catch (error) {
      if (stopped) return;
      if (isParleyError(error) && error.code === 'CALL_NOT_FOUND') {
        stop();
        return;
      }
      options.onError(error);
    } finally {
      pulling = false;
    }
    if (pullAgain && !stopped) {
      const checkEnd = checkEndAgain;
      pullAgain = false;
      checkEndAgain = false;
      void pull(checkEnd);
    }
  };

  const unsubscribe = bus.subscribe(callId, (event) => {
    if (stopped) return;
    // The common case, an append in this process right after the last one: no store read.
    if (event.seq === next && !pulling) deliver(event);
    else if (event.seq >= next) void pull(false);
  });
  const timer = setInterval(() => void pull(true), options.pollMs);
  timer.unref();

  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  }

  void pull(true);
  return {
    stop,
    get lastSeq() {
      return next - 1;
    },
  };
}
