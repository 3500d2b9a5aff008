/**
 * Waiting on state instead of on time: a call's legs call `notify()` whenever
 * something that gates sequencing changes (a `session.updated`, a
 * `response.done`, a mark echoed), and code that must wait for a condition
 * awaits `until(check)`. No sleeps: a wait ends the moment its condition holds,
 * or at its bound (`timeoutMs`), or when the signal is closed (the call ended).
 */

/** How a wait ended. */
export type WaitOutcome = 'ok' | 'timeout' | 'closed';

/** A per-call "something changed" signal with predicate waits. */
export interface StateSignal {
  /** Re-checks every pending wait. Cheap when nothing waits. */
  notify(): void;
  /** Resolves `ok` as soon as `check()` holds (now or after a `notify`), `timeout` after `timeoutMs`, `closed` once `close()` was called. */
  until(check: () => boolean, timeoutMs: number): Promise<WaitOutcome>;
  /** Ends every pending and future wait with `closed`. */
  close(): void;
  readonly closed: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: (outcome: WaitOutcome) => void;
  timer: NodeJS.Timeout;
}

/** Creates a signal; one per call. */
export function createStateSignal(): StateSignal {
  const waiters = new Set<Waiter>();
  let closed = false;

  const settle = (waiter: Waiter, outcome: WaitOutcome) => {
    waiters.delete(waiter);
    clearTimeout(waiter.timer);
    waiter.resolve(outcome);
  };

  return {
    notify() {
      if (waiters.size === 0) return;
      for (const waiter of [...waiters]) {
        // A check that throws counts as not yet: the bound still ends the wait.
        let ok = false;
        try {
          ok = waiter.check();
        } catch {
          ok = false;
        }
        if (ok) settle(waiter, 'ok');
      }
    },
    until(check, timeoutMs) {
      if (closed) return Promise.resolve('closed');
      if (check()) return Promise.resolve('ok');
      return new Promise<WaitOutcome>((resolve) => {
        const waiter: Waiter = { check, resolve, timer: setTimeout(() => settle(waiter, 'timeout'), Math.max(0, timeoutMs)) };
        waiters.add(waiter);
      });
    },
    close() {
      closed = true;
      for (const waiter of [...waiters]) settle(waiter, 'closed');
    },
    get closed() {
      return closed;
    },
  };
}
