/**
 * A call repository that publishes every event it stores on a call-event bus,
 * so live subscribers in this process hear of appends made anywhere in it
 * (the recorder of a live call, operator notes through the API) without each
 * writer having to remember to notify.
 */
import type { CallRepository } from '../store/call-repository.js';
import type { CallEventBus } from './call-event-bus.js';

/** Wraps `calls` so that each acknowledged `appendEvent` is published on `bus`; every other method is passed through. */
export function withCallEventNotifications(calls: CallRepository, bus: CallEventBus): CallRepository {
  return {
    create: (call) => calls.create(call),
    get: (id) => calls.get(id),
    findByTwilioSid: (sid) => calls.findByTwilioSid(sid),
    update: (id, patch) => calls.update(id, patch),
    list: (filter, options) => calls.list(filter, options),
    listEvents: (callId, options) => calls.listEvents(callId, options),
    getDetail: (id, options) => calls.getDetail(id, options),
    markLiveCallsInterrupted: (options) => calls.markLiveCallsInterrupted(options),
    async appendEvent(callId, event) {
      const stored = await calls.appendEvent(callId, event);
      // Published only once stored: a subscriber never sees an event the store could still lose.
      bus.publish(stored);
      return stored;
    },
  };
}
