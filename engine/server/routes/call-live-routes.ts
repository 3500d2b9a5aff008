/**
 * `GET /api/calls/:id/events/live`: a call's events as Server-Sent Events,
 * as they are recorded — by this process (at once) or by another engine
 * process sharing the store (within `PARLEY_LIVE_POLL_MS`).
 *
 * Each event is one SSE message whose `id` is its seq, so a browser's
 * EventSource resumes after a dropped connection where it left off (it sends
 * `Last-Event-ID`); other clients pass `?after=<seq>`. When the call has ended
 * and everything recorded is sent, an `end` message carries the final call
 * record and the stream closes. EventSource cannot send headers: browsers
 * authenticate with the `parley_key` cookie.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ParleyError } from '../../errors/parley-error.js';
import type { CallEventBus } from '../../events/call-event-bus.js';
import { createLiveCallFeed, type LiveCallFeed } from '../../events/live-call-feed.js';
import type { CallRepository } from '../../store/call-repository.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';

/** What the live route uses. */
export interface CallLiveRoutesOptions {
  calls: CallRepository;
  bus: CallEventBus;
  /** How often each stream looks in the store for events from other processes, in ms. */
  pollMs: number;
  /** Comment lines keep idle connections open through proxies. Default 15 s. */
  heartbeatMs?: number;
}

/** A client that reads slower than the call talks is cut off past this much unsent data; it can resume. */
const MAX_BUFFERED_BYTES = 1 << 20;
const DEFAULT_HEARTBEAT_MS = 15_000;
/** Tells EventSource how soon to reconnect after the connection drops. */
const RETRY_MS = 2000;

/** The seq a stream resumes after: `Last-Event-ID` (EventSource's reconnect) wins over `?after=`. */
function resumeAfter(lastEventId: string | string[] | undefined, after: number | undefined): number {
  if (lastEventId === undefined) return after ?? 0;
  const raw = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  if (raw === undefined || !/^\d{1,15}$/.test(raw.trim())) {
    throw new ParleyError('API_BAD_REQUEST', `Last-Event-ID must be the seq of an event (a whole number), not ${JSON.stringify(raw)}.`, {
      details: { errors: [{ field: 'headers/last-event-id', rule: 'integer', message: 'must be a whole number' }] },
    });
  }
  return Number(raw.trim());
}

export async function callLiveRoutes(app: FastifyInstance, options: CallLiveRoutesOptions): Promise<void> {
  const { calls, bus, pollMs } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const open = new Set<() => void>();
  // Streams never end on their own while a call is live: close them so the server can.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/:id/events/live',
    {
      schema: {
        summary: "Follow a call's events live (Server-Sent Events)",
        description:
          'A `text/event-stream`: one message per event (`id` = seq, `data` = the event as JSON), then an `end` message with the call record once the call has ended. Resume with `Last-Event-ID` or `?after=`.',
        tags: ['calls'],
        params: ref('CallParams'),
        querystring: ref('CallLiveQuery'),
        produces: ['text/event-stream'],
        response: { 200: { description: 'A stream of Server-Sent Events.', type: 'string' }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const after = resumeAfter(request.headers['last-event-id'], request.query.after);
      await calls.get(request.params.id);
      stream(reply, request.params.id, after);
    },
  );

  function stream(reply: FastifyReply, callId: string, after: number): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: ${RETRY_MS}\n: following call ${callId}\n\n`);

    let feed: LiveCallFeed | undefined;
    const write = (text: string) => {
      if (raw.writableEnded || raw.destroyed) return;
      raw.write(text);
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        reply.log.warn({ callId }, 'live event stream cut off: the client reads too slowly');
        raw.destroy();
      }
    };
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      feed?.stop();
      open.delete(close);
      if (!raw.writableEnded) raw.end();
    };
    open.add(close);
    raw.on('close', close);

    feed = createLiveCallFeed({
      calls,
      bus,
      callId,
      after,
      pollMs,
      onEvent: (event) => write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`),
      onEnd: (call) => {
        write(`event: end\ndata: ${JSON.stringify(call)}\n\n`);
        close();
      },
      onError: (error) => reply.log.error({ err: error, callId }, 'live event stream could not read the store; retrying'),
    });
  }
}
