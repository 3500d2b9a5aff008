/**
 * A bare WebSocket server standing in for Parley's `/twilio/media`: records
 * what the simulator sends (parsed with Parley's own `parseTwilioMessage`) and
 * lets a test send media, marks and clears back.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseTwilioMessage, twilioClear, twilioMark, twilioMedia, type TwilioMessage } from '../../engine/telephony/twilio-media-messages.js';
import { EventLog } from '../../engine/testing/event-log.js';

export interface Arrival {
  seq: number;
  /** Wall-clock ms (performance.now) at arrival. */
  wallMs: number;
  message: TwilioMessage;
  raw: string;
}

export async function startTwilioTestServer(options: { verify?: (request: IncomingMessage) => boolean } = {}) {
  const log = new EventLog<Arrival>((a) => a.message.type);
  const wss = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  let upgradeHeaders: IncomingMessage['headers'] = {};
  const server = createServer();
  server.on('upgrade', (request, duplex, head) => {
    upgradeHeaders = request.headers;
    if (options.verify && !options.verify(request)) {
      duplex.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, duplex, head, (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const raw = data.toString();
        log.push({ seq: log.nextSeq(), wallMs: performance.now(), message: parseTwilioMessage(data), raw });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const streamSid = () => {
    const start = log.entries.find((a) => a.message.type === 'start')?.message;
    return start?.type === 'start' ? start.streamSid : '';
  };
  return {
    url: `ws://127.0.0.1:${port}/twilio/media`,
    log,
    get headers() {
      return upgradeHeaders;
    },
    messages<T extends TwilioMessage['type']>(type: T): Array<Extract<TwilioMessage, { type: T }>> {
      return log.entries.map((a) => a.message).filter((m): m is Extract<TwilioMessage, { type: T }> => m.type === type);
    },
    sendAudio(bytes: Uint8Array, sid = streamSid()) {
      socket?.send(twilioMedia(sid, Buffer.from(bytes).toString('base64')));
    },
    sendMark(name: string) {
      socket?.send(twilioMark(streamSid(), name));
    },
    sendClear() {
      socket?.send(twilioClear(streamSid()));
    },
    sendRaw(data: string) {
      socket?.send(data);
    },
    closeCall(code = 1000) {
      socket?.close(code);
    },
    async close() {
      socket?.terminate();
      log.close('test server closed');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TwilioTestServer = Awaited<ReturnType<typeof startTwilioTestServer>>;
