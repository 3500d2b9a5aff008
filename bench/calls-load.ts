/**
 * The load side of bench/calls.ts, in a worker thread (its own event loop,
 * its own core): N Twilio media streams and one Realtime server, both as thin
 * as the protocols allow, so the figures measure Parley and not the doubles.
 * (The project's fake realtime server and call simulator record every event
 * and run a VAD per frame: right for tests, too heavy to drive 500 calls.)
 *
 * Every audio frame carries its own number in its first bytes: Twilio side →
 * model side and model side → Twilio side, each frame's send and receive time
 * are taken on this thread's clock, so the latency is what the trip through
 * the engine adds (two loopback hops included).
 *
 * The model: answers each `response.create` with a response that streams a
 * 20 ms audio delta every 20 ms; every `transitionEveryMs` it ends the
 * response, alternately
 * - with an intent call (`go_a` / `go_b`), which makes Parley change stage:
 *   the time from that `response.done` to the new stage's `session.update` is
 *   the transition latency;
 * - without one, followed by a caller turn (`input_audio_buffer.committed`):
 *   the time from it to Parley's `response.create` is what asking for the
 *   answer ourselves (`create_response: false`) costs.
 */
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { WebSocket, WebSocketServer } from 'ws';

/** What the main thread sends. */
export interface LoadSetup {
  port: number;
  authToken: string;
  signedUrl: string;
  callIds: string[];
  /** Calls' Twilio Call SIDs, as recorded (one per call: sizes the worker's tables). */
  callSids: string[];
  transitionEveryMs: number;
}

/** What the worker reports. */
export interface LoadReport {
  inbound: Float64Array;
  outbound: Float64Array;
  transitions: Float64Array;
  turns: Float64Array;
  framesSent: number;
  framesReceived: number;
  deltasSent: number;
  deltasReceived: number;
  lateInbound: number;
  lateOutbound: number;
}

const FRAME_MS = 20;
const FRAME_BYTES = 160;
const RING = 4096;
const RAMP_BATCH = 25;
const RAMP_PAUSE_MS = 100;
const now = () => performance.timeOrigin + performance.now();

/** A 160-byte μ-law frame whose first 8 bytes carry (call, seq). */
function frame(call: number, seq: number): string {
  const bytes = Buffer.alloc(FRAME_BYTES, 0xff);
  bytes.writeUInt32BE(call, 0);
  bytes.writeUInt32BE(seq, 4);
  return bytes.toString('base64');
}

/** (call, seq) from the first base64 characters of a payload (12 chars = 9 bytes). */
function decode(payload: string): [number, number] {
  const head = Buffer.from(payload.slice(0, 12), 'base64');
  return [head.readUInt32BE(0), head.readUInt32BE(4)];
}

/** The payload string of a JSON message, found without parsing the message. */
function payloadOf(text: string, key: string): string | undefined {
  const at = text.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  return text.slice(start, text.indexOf('"', start));
}

if (parentPort && workerData) {
  const port = parentPort;
  const { callSids, authToken, signedUrl, transitionEveryMs } = workerData as LoadSetup;
  let callIds = (workerData as LoadSetup).callIds;
  const calls = callSids.length;
  const inboundSentAt = new Float64Array(calls * RING);
  const outboundSentAt = new Float64Array(calls * RING);
  let measuring = false;
  const inbound: number[] = [];
  const outbound: number[] = [];
  const transitions: number[] = [];
  const turns: number[] = [];
  const counts = { framesSent: 0, framesReceived: 0, deltasSent: 0, deltasReceived: 0, lateInbound: 0, lateOutbound: 0 };

  // The model side: one Realtime server for every call.
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  let sessions = 0;
  wss.on('connection', (ws) => {
    const call = -1; // learnt from the first audio frame
    const state = { call, active: '' as string, item: '', seq: 0, timer: undefined as NodeJS.Timeout | undefined, since: 0, turn: 0, doneAt: 0, committedAt: 0, length: transitionEveryMs, events: 0 };
    sessions++;
    const send = (event: Record<string, unknown>) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ event_id: `ev_${++state.events}`, ...event }));
    send({ type: 'session.created', session: { type: 'realtime', id: 'sess' } });
    const stopAudio = () => {
      if (state.timer) clearInterval(state.timer);
      state.timer = undefined;
    };
    ws.on('close', stopAudio);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"input_audio_buffer.append"')) {
        const payload = payloadOf(text, '"audio":"');
        if (!payload) return;
        const [c, seq] = decode(payload);
        state.call = c;
        counts.framesReceived++;
        const sent = inboundSentAt[c * RING + (seq % RING)]!;
        if (measuring && sent > 0) {
          const latency = now() - sent;
          inbound.push(latency);
          if (latency > FRAME_MS) counts.lateInbound++;
        }
        return;
      }
      const event = JSON.parse(text) as { type: string; response?: { metadata?: Record<string, string> }; event_id?: string };
      switch (event.type) {
        case 'session.update':
          if (state.doneAt > 0) {
            if (measuring) transitions.push(now() - state.doneAt);
            state.doneAt = 0;
          }
          send({ type: 'session.updated', session: { type: 'realtime' } });
          return;
        case 'response.create': {
          if (state.committedAt > 0) {
            if (measuring) turns.push(now() - state.committedAt);
            state.committedAt = 0;
          }
          const id = `resp_${++state.turn}`;
          state.active = id;
          state.item = `item_${state.turn}`;
          send({ type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [], metadata: event.response?.metadata ?? null } });
          send({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { id: state.item, type: 'message', role: 'assistant', content: [] } });
          state.since = now();
          // Turns of different lengths, so the calls do not change stage in step.
          state.length = transitionEveryMs * (0.5 + Math.random());
          state.timer = setInterval(() => {
            if (state.call < 0) return;
            const seq = ++state.seq;
            outboundSentAt[state.call * RING + (seq % RING)] = now();
            counts.deltasSent++;
            send({ type: 'response.output_audio.delta', response_id: id, item_id: state.item, output_index: 0, content_index: 0, delta: frame(state.call, seq) });
            if (now() - state.since < state.length) return;
            stopAudio();
            const done = { type: 'response.done', response: { id, object: 'realtime.response', status: 'completed', metadata: event.response?.metadata ?? null, output: [] as unknown[] } };
            if (state.turn % 2 === 1) {
              // End the turn with an intent call: Parley changes stage.
              const name = state.turn % 4 === 1 ? 'go_b' : 'go_a';
              done.response.output = [{ id: `fc_${state.turn}`, type: 'function_call', status: 'completed', call_id: `call_${state.turn}`, name, arguments: '{}' }];
              state.doneAt = now();
              send(done);
            } else {
              // End it plainly; the caller then finishes a turn: Parley asks for the answer.
              send(done);
              const item = `item_user_${state.turn}`;
              send({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: item });
              state.committedAt = now();
            }
          }, FRAME_MS);
          return;
        }
        case 'response.cancel':
          stopAudio();
          return;
        default:
          return;
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  port.postMessage({ type: 'model', port: (http.address() as { port: number }).port });

  // The Twilio side: one media stream per call, frames every 20 ms from one timer.
  const streams: WebSocket[] = [];
  port.on('message', async (message: { type: string; ms?: number; port?: number; callIds?: string[] }) => {
    if (message.type === 'ids') {
      callIds = message.callIds ?? [];
    } else if (message.type === 'connect') {
      const url = `ws://127.0.0.1:${message.port}/twilio/media`;
      const signature = getExpectedTwilioSignature(authToken, signedUrl, {});
      // Calls arrive in waves of 25, as traffic ramps up, not all in one instant.
      const connect = (callId: string, index: number) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(url, { headers: { 'X-Twilio-Signature': signature }, perMessageDeflate: false });
          const streamSid = `MZ${index.toString(16).padStart(32, '0')}`;
          ws.once('open', () => {
            ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
            ws.send(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid, start: { streamSid, callSid: callSids[index], accountSid: 'AC' + '0'.repeat(32), tracks: ['inbound'], customParameters: { callId }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
            streams[index] = ws;
            resolve();
          });
          ws.once('error', reject);
          ws.on('message', (data) => {
            const text = data.toString();
            if (text.startsWith('{"event":"media"')) {
              const payload = payloadOf(text, '"payload":"');
              if (!payload) return;
              const [c, seq] = decode(payload);
              counts.deltasReceived++;
              const sent = outboundSentAt[c * RING + (seq % RING)]!;
              if (measuring && sent > 0) {
                const latency = now() - sent;
                outbound.push(latency);
                if (latency > FRAME_MS) counts.lateOutbound++;
              }
            } else if (text.startsWith('{"event":"mark"')) {
              // Echo marks at once (the audio "played"): Parley's playback tracking stays bounded.
              const name = payloadOf(text, '"name":"');
              ws.send(`{"event":"mark","sequenceNumber":"1","streamSid":"${streamSid}","mark":{"name":"${name}"}}`);
            }
          });
        });
      for (let first = 0; first < callIds.length; first += RAMP_BATCH) {
        await Promise.all(callIds.slice(first, first + RAMP_BATCH).map((callId, offset) => connect(callId, first + offset)));
        await new Promise((resolve) => setTimeout(resolve, RAMP_PAUSE_MS));
      }
      // Each call's frames keep a 20 ms cadence, the calls spread over the 20 ms (live calls are not in step).
      const seqs = new Uint32Array(streams.length);
      let tick = 0;
      setInterval(() => {
        const slot = tick++ % FRAME_MS;
        for (let index = slot; index < streams.length; index += FRAME_MS) {
          const ws = streams[index]!;
          if (ws.readyState !== WebSocket.OPEN) continue;
          const seq = ++seqs[index]!;
          inboundSentAt[index * RING + (seq % RING)] = now();
          counts.framesSent++;
          ws.send(`{"event":"media","sequenceNumber":"${seq + 1}","media":{"track":"inbound","chunk":"${seq}","timestamp":"${seq * FRAME_MS}","payload":"${frame(index, seq)}"},"streamSid":"MZ${index.toString(16).padStart(32, '0')}"}`);
        }
      }, 1);
      port.postMessage({ type: 'connected', sessions });
    } else if (message.type === 'measure') {
      inbound.length = 0;
      outbound.length = 0;
      transitions.length = 0;
      turns.length = 0;
      for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] = 0;
      measuring = true;
      setTimeout(() => {
        measuring = false;
        port.postMessage({ type: 'report', inbound: Float64Array.from(inbound), outbound: Float64Array.from(outbound), transitions: Float64Array.from(transitions), turns: Float64Array.from(turns), ...counts, sessions });
      }, message.ms);
    } else if (message.type === 'stop') {
      for (const ws of streams) ws.terminate();
      wss.close();
      http.close();
      process.exit(0);
    }
  });
}
