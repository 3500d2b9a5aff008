/**
 * A fake OpenAI Realtime API server (GA protocol) for tests: a WebSocket
 * server on 127.0.0.1 at a random port that accepts connections the way
 * OpenAI does (`/v1/realtime?model=…`, `Authorization: Bearer …`; any key is
 * accepted, and whether one came is recorded), keeps a session and a
 * conversation per connection, detects caller turns in the audio it receives
 * (server VAD), and answers with the model turns of a conversation script or a
 * responder function. It records every event both ways, in order, with
 * timestamps, so a test can assert on what the engine sent and when.
 *
 *     const realtime = await createFakeRealtimeServer({ script });
 *     // point the engine at realtime.url, run the call, then:
 *     await realtime.waitFor((e) => e.direction === 'client' && e.event.type === 'response.create');
 *     await realtime.close();
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ParsedClientEvent } from '../realtime/parse-client-event.js';
import type { AudioPacing, ConversationScript, Responder, ResponderContext } from './conversation-script.js';
import { EventLog, type WaitOptions } from './event-log.js';
import { fakeId } from './fake-ids.js';
import { FakeRealtimeSession, type FakeAuth, type FakeIssue, type TranscriptTiming } from './fake-realtime-session.js';

export type { FakeAuth, FakeIssue, TranscriptTiming } from './fake-realtime-session.js';
export { FakeRealtimeSession } from './fake-realtime-session.js';

/** How the fake behaves. Every field is optional. */
export interface FakeRealtimeServerOptions {
  /**
   * The conversation script: agent steps answer responses in order, caller
   * lines transcribe caller turns in order. A function gets a script per
   * connection (return the same one to carry a conversation over a reconnect).
   */
  script?: ConversationScript | ((connection: { index: number; model: string }) => ConversationScript | undefined);
  /** Decides turns when the script has no agent step left (or there is no script). */
  responder?: Responder;
  /** Decides out-of-band responses (`conversation: 'none'`). Default: a text summary of the conversation. */
  outOfBandResponder?: Responder;
  /** How fast response audio is sent. Default `fast` (like the real API, faster than real time). */
  audioPacing?: AudioPacing;
  /** Audio per `response.output_audio.delta`, rounded up to whole 20 ms frames. Default 100. */
  audioChunkMs?: number;
  /** Speech length per character of text, for both the agent's audio and truncation. Default 60. */
  msPerChar?: number;
  /** When a caller turn's transcript arrives relative to the response answering it. Default `after-response-created`, as usually happens live. */
  transcriptTiming?: TranscriptTiming;
  /** Transcript of a caller turn no script line covers. Default: empty. */
  transcribe?: (turn: { index: number; durationMs: number }) => string;
}

/** One event as the fake saw it. `at` is milliseconds since the server started (monotonic). */
export type RecordedRealtimeEvent =
  | { seq: number; at: number; sessionId: string; direction: 'client'; event: ParsedClientEvent }
  | { seq: number; at: number; sessionId: string; direction: 'server'; event: { type: string; event_id: string } & Record<string, unknown> };

/** A connection the fake refused, and why (wrong path, no key, beta header, no model). */
export interface RejectedConnection {
  at: number;
  url: string;
  status: number;
  reason: string;
}

/** The running fake. */
export interface FakeRealtimeServer {
  /** `ws://127.0.0.1:<port>/v1/realtime` — add `?model=…`, or use `urlFor`. */
  readonly url: string;
  readonly port: number;
  /** The connection URL for a model, as OpenAI's: `…/v1/realtime?model=gpt-realtime`. */
  urlFor(model?: string): string;
  /** Every event, both directions, all sessions, in order. */
  readonly events: readonly RecordedRealtimeEvent[];
  /** Client events (of one session, if given), in order. */
  clientEvents(sessionId?: string): Array<Extract<RecordedRealtimeEvent, { direction: 'client' }>>;
  /** Server events (of one session, if given), in order. */
  serverEvents(sessionId?: string): Array<Extract<RecordedRealtimeEvent, { direction: 'server' }>>;
  /** Connections, oldest first. */
  readonly sessions: readonly FakeRealtimeSession[];
  /** The newest connection. */
  readonly session: FakeRealtimeSession | undefined;
  readonly rejectedConnections: readonly RejectedConnection[];
  /** What the fake noticed (responses before tool outputs, scripts running out, …). Expect it empty in a clean run. */
  readonly issues: readonly FakeIssue[];
  /** The first recorded event (or nth, after `after`) matching; see `WaitOptions`. */
  waitFor<S extends RecordedRealtimeEvent>(predicate: (e: RecordedRealtimeEvent) => e is S, options?: WaitOptions): Promise<S>;
  waitFor(predicate: (e: RecordedRealtimeEvent) => boolean, options?: WaitOptions): Promise<RecordedRealtimeEvent>;
  /** Waits for the nth connection (1 = first). */
  waitForSession(nth?: number, options?: { timeoutMs?: number }): Promise<FakeRealtimeSession>;
  /** Kills a connection without a close frame (the newest, or the one given), as a network drop does. */
  dropConnection(sessionId?: string): void;
  /** Lets responses waiting on `{ wait: { gate } }` go on (now and later). */
  release(gate: string): void;
  /** Closes every connection and the server. */
  close(): Promise<void>;
}

/** Default speech length per character: about 150 words a minute. */
export const DEFAULT_MS_PER_CHAR = 60;

/** Starts a fake Realtime API on 127.0.0.1 at a free port. */
export async function createFakeRealtimeServer(options: FakeRealtimeServerOptions = {}): Promise<FakeRealtimeServer> {
  const startedAt = performance.now();
  const now = () => performance.now() - startedAt;
  const log = new EventLog<RecordedRealtimeEvent>((e) => `${e.direction} ${e.event.type}${e.event.type === 'invalid' ? '' : ''} (${e.sessionId})`);
  const sessions: FakeRealtimeSession[] = [];
  const sessionLog = new EventLog<{ seq: number; session: FakeRealtimeSession }>((e) => `session ${e.session.id}`);
  const rejected: RejectedConnection[] = [];
  const issues: FakeIssue[] = [];
  const openGates = new Set<string>();
  const gateWaiters = new Map<string, Set<() => void>>();
  const chunkMs = Math.max(20, Math.ceil((options.audioChunkMs ?? 100) / 20) * 20);
  const msPerChar = options.msPerChar ?? DEFAULT_MS_PER_CHAR;

  const wss = new WebSocketServer({
    noServer: true,
    // Browsers authenticate with subprotocols; answer the `realtime` one when offered.
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'This endpoint only accepts WebSocket connections.', type: 'invalid_request_error' } }));
  });

  const reject = (socket: Duplex, url: string, status: number, reason: string, message: string) => {
    rejected.push({ at: now(), url, status, reason });
    const body = JSON.stringify({ error: { message, type: 'invalid_request_error', code: null, param: null } });
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = request.url ?? '/';
    const parsed = new URL(url, 'http://127.0.0.1');
    if (parsed.pathname !== '/v1/realtime') return reject(socket, url, 404, 'path', `Invalid URL (GET ${parsed.pathname})`);
    const beta = String(request.headers['openai-beta'] ?? '');
    if (beta.includes('realtime=v1')) {
      return reject(socket, url, 400, 'beta-header', 'This fake speaks the GA Realtime protocol only; remove the "OpenAI-Beta: realtime=v1" header.');
    }
    const model = parsed.searchParams.get('model');
    if (!model) return reject(socket, url, 400, 'model', "Missing required parameter: 'model'.");
    const auth = authOf(request);
    if (!auth.present) {
      return reject(socket, url, 401, 'auth', "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const index = sessions.length;
      const script = typeof options.script === 'function' ? options.script({ index, model }) : options.script;
      const session = new FakeRealtimeSession(ws, {
        id: fakeId('sess'),
        index,
        model,
        auth,
        url,
        headers: { ...request.headers, authorization: request.headers.authorization ? '(present)' : undefined },
        script,
        responder: options.responder,
        outOfBandResponder: options.outOfBandResponder ?? summarise,
        pacing: options.audioPacing ?? 'fast',
        chunkMs,
        msPerChar,
        transcriptTiming: options.transcriptTiming ?? 'after-response-created',
        transcribe: options.transcribe,
        record: (sessionId, direction, event) => {
          log.push({ seq: log.nextSeq(), at: now(), sessionId, direction, event } as RecordedRealtimeEvent);
        },
        reportIssue: (issue) => issues.push(issue),
        whenGateOpen: (gate, onOpen) => {
          if (openGates.has(gate)) {
            onOpen();
            return () => undefined;
          }
          const waiting = gateWaiters.get(gate) ?? new Set();
          gateWaiters.set(gate, waiting);
          waiting.add(onOpen);
          return () => waiting.delete(onOpen);
        },
      });
      sessions.push(session);
      sessionLog.push({ seq: sessionLog.nextSeq(), session });
    });
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const base = `ws://127.0.0.1:${port}/v1/realtime`;

  return {
    url: base,
    port,
    urlFor: (model = 'gpt-realtime') => `${base}?model=${encodeURIComponent(model)}`,
    get events() {
      return log.entries;
    },
    clientEvents: (sessionId) => log.entries.filter((e): e is Extract<RecordedRealtimeEvent, { direction: 'client' }> => e.direction === 'client' && (!sessionId || e.sessionId === sessionId)),
    serverEvents: (sessionId) => log.entries.filter((e): e is Extract<RecordedRealtimeEvent, { direction: 'server' }> => e.direction === 'server' && (!sessionId || e.sessionId === sessionId)),
    sessions,
    get session() {
      return sessions.at(-1);
    },
    rejectedConnections: rejected,
    issues,
    waitFor: (predicate: (e: RecordedRealtimeEvent) => boolean, waitOptions?: WaitOptions) => log.waitFor(predicate, waitOptions),
    waitForSession: async (nth = 1, waitOptions = {}) =>
      (await sessionLog.waitFor(() => true, { nth, description: `realtime connection #${nth}`, ...waitOptions })).session,
    dropConnection(sessionId) {
      const target = sessionId ? sessions.find((s) => s.id === sessionId) : sessions.at(-1);
      target?.drop();
    },
    release(gate) {
      openGates.add(gate);
      const waiting = gateWaiters.get(gate);
      gateWaiters.delete(gate);
      for (const onOpen of waiting ?? []) onOpen();
    },
    async close() {
      for (const session of sessions) session.drop();
      log.close('the fake realtime server was closed');
      sessionLog.close('the fake realtime server was closed');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as FakeRealtimeServer;
}

function authOf(request: IncomingMessage): FakeAuth {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (bearer) return { present: true, via: 'bearer', key: bearer[1] };
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const key = protocols.find((p) => p.startsWith('openai-insecure-api-key.'));
  if (key) return { present: true, via: 'subprotocol', key: key.slice('openai-insecure-api-key.'.length) };
  return { present: false };
}

/** Default out-of-band responder: a short text summary of the conversation's transcripts. */
function summarise(context: ResponderContext): { say: string } {
  const lines: string[] = [];
  for (const item of context.conversation) {
    if (item.type !== 'message') continue;
    const parts = (item.content as Array<Record<string, unknown>> | undefined) ?? [];
    const text = parts.map((p) => String(p.transcript ?? p.text ?? '')).join(' ').trim();
    if (text) lines.push(`${item.role === 'user' ? 'Caller' : item.role === 'assistant' ? 'Agent' : 'Note'}: ${text}`);
  }
  return { say: lines.length ? `Summary. ${lines.join(' ')}` : 'Summary. Nothing has been said yet.' };
}
