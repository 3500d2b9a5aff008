/**
 * A minimal Server-Sent Events client over a real socket, for tests: parses
 * messages as they arrive and lets a test wait for the next ones (no sleeps).
 */
import { request, type IncomingMessage } from 'node:http';

/** One SSE message. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export interface SseClient {
  /** The response status and headers. */
  response: IncomingMessage;
  /** Every message received so far. */
  messages: SseMessage[];
  /** Resolves once at least `count` messages have arrived (in total); rejects after `timeoutMs` or if the stream closes first. */
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves when the server closes the stream. */
  closed: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream; resolves once the response headers are in. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let ended = false;
      const closed = new Promise<void>((done) => {
        response.on('close', () => {
          ended = true;
          for (const wake of [...waiters]) wake();
          done();
        });
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = { event: 'message', data: '' };
          const data: string[] = [];
          let fields = 0;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'data') data.push(value);
            else if (name === 'id') message.id = value;
            else if (name === 'event') message.event = value;
            else continue;
            fields++;
          }
          if (fields === 0) continue;
          message.data = data.join('\n');
          messages.push(message);
        }
        for (const wake of [...waiters]) wake();
      });
      resolve({
        response,
        messages,
        closed,
        close: () => req.destroy(),
        waitFor(count, timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            const check = () => {
              if (messages.length >= count) {
                finish();
                done(messages.slice());
              } else if (ended) {
                finish();
                fail(new Error(`the stream closed after ${messages.length} of ${count} messages`));
              }
            };
            const timer = setTimeout(() => {
              finish();
              fail(new Error(`waited ${timeoutMs} ms for ${count} messages; got ${messages.length}`));
            }, timeoutMs);
            const finish = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          });
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
