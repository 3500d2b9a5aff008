/**
 * A deliberately minimal Twilio ↔ Realtime bridge, only for testing the two
 * doubles against each other. It is not Parley's engine: one call, no flow,
 * every tool answered `{ ok: true }`. It does what a bridge must for barge-in:
 * a mark after each audio delta (named `<item>:<ms sent>`), and on
 * `speech_started` a Twilio `clear` plus a truncate at the audio the marks
 * say was played. It uses Parley's protocol parsers and builders throughout.
 */
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { MULAW_BYTES_PER_MS } from '../../engine/audio/mulaw.js';
import { appendAudioMessage, functionCallOutput, responseCreate, sessionUpdate, truncate, type SessionSettings } from '../../engine/realtime/client-event-builders.js';
import { parseServerEvent } from '../../engine/realtime/parse-server-event.js';
import { parseTwilioMessage, twilioClear, twilioMark, twilioMedia } from '../../engine/telephony/twilio-media-messages.js';

export async function startMiniBridge(options: { realtimeUrl: string; settings: SessionSettings; agentSpeaksFirst: boolean }) {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => bridge(ws)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  function bridge(phone: WebSocket): void {
    // Per-call state on one object.
    const call = { streamSid: '', updated: false, item: null as null | { id: string; sentMs: number; playedMs: number } };
    const model = new WebSocket(options.realtimeUrl, { headers: { Authorization: 'Bearer sk-bridge-test' } });
    sockets.add(phone).add(model);
    model.on('open', () => model.send(JSON.stringify(sessionUpdate(options.settings))));
    model.on('error', () => undefined);
    phone.on('close', () => model.close());

    phone.on('message', (data) => {
      const message = parseTwilioMessage(data);
      switch (message.type) {
        case 'start':
          call.streamSid = message.streamSid;
          return;
        case 'media':
          if (model.readyState === WebSocket.OPEN) model.send(appendAudioMessage(message.payload));
          return;
        case 'mark': {
          const [itemId, ms] = message.name.split(':');
          if (call.item?.id === itemId) call.item.playedMs = Number(ms);
          return;
        }
        case 'stop':
          model.close();
          return;
        default:
          return;
      }
    });

    model.on('message', (data) => {
      const event = parseServerEvent(data);
      switch (event.type) {
        case 'session.updated':
          if (!call.updated && options.agentSpeaksFirst) model.send(JSON.stringify(responseCreate()));
          call.updated = true;
          return;
        case 'response.output_audio.delta': {
          if (call.item?.id !== event.item_id) call.item = { id: event.item_id, sentMs: 0, playedMs: 0 };
          call.item.sentMs += Buffer.from(event.delta, 'base64').length / MULAW_BYTES_PER_MS;
          phone.send(twilioMedia(call.streamSid, event.delta));
          phone.send(twilioMark(call.streamSid, `${call.item.id}:${call.item.sentMs}`));
          return;
        }
        case 'input_audio_buffer.speech_started': {
          const item = call.item;
          call.item = null;
          if (!item || item.playedMs >= item.sentMs) return;
          phone.send(twilioClear(call.streamSid));
          model.send(JSON.stringify(truncate(item.id, item.playedMs)));
          return;
        }
        case 'response.done': {
          const calls = (event.response.output ?? []).filter((item) => item.type === 'function_call');
          if (event.response.status !== 'completed' || calls.length === 0) return;
          for (const item of calls) if (item.type === 'function_call' && item.call_id) model.send(JSON.stringify(functionCallOutput(item.call_id, { ok: true })));
          model.send(JSON.stringify(responseCreate()));
          return;
        }
        default:
          return;
      }
    });
  }

  return {
    url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/twilio/media`,
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
