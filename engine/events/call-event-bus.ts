/**
 * In-process fan-out of call events: whoever appends an event in this process
 * (the call recorder, the notes route) publishes it here once it is stored,
 * and live subscribers (the SSE route) hear about it at once instead of
 * waiting for their next store poll. It carries no guarantee of its own: a
 * subscriber that misses a notification still finds the event in the store,
 * and events appended by another process only reach it through the store
 * (see docs/scaling.md for the MongoDB change-stream path).
 */
import type { CallEvent } from '../store/call-event.js';

/** Called with each event appended to the call it was subscribed for. */
export type CallEventListener = (event: CallEvent) => void;

/** Publish/subscribe of stored call events, per call id. */
export interface CallEventBus {
  /** Tells the call's subscribers about a stored event. A listener that throws does not stop the others. */
  publish(event: CallEvent): void;
  /** Listens to one call's events; returns the function that stops listening. */
  subscribe(callId: string, listener: CallEventListener): () => void;
  /** How many listeners a call has (0 when none), for tests and metrics. */
  listenerCount(callId: string): number;
}

/** Creates an empty bus; one per engine instance. */
export function createCallEventBus(options: { onListenerError?: (error: unknown) => void } = {}): CallEventBus {
  const listeners = new Map<string, Set<CallEventListener>>();
  return {
    publish(event) {
      const set = listeners.get(event.callId);
      if (!set) return;
      // A copy: a listener may unsubscribe (or subscribe another) while we iterate.
      for (const listener of [...set]) {
        try {
          listener(event);
        } catch (error) {
          options.onListenerError?.(error);
        }
      }
    },
    subscribe(callId, listener) {
      let set = listeners.get(callId);
      if (!set) listeners.set(callId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(callId) === set) listeners.delete(callId);
      };
    },
    listenerCount(callId) {
      return listeners.get(callId)?.size ?? 0;
    },
  };
}
