/**
 * A bare WebSocket client for the fake realtime server: sends client events,
 * records parsed server events with `waitFor`, and streams μ-law audio in
 * 20 ms appends as fast as the socket takes them (the fake's VAD runs on audio
 * time, so no pacing is needed).
 */
import { WebSocket } from 'ws';
import { TWILIO_FRAME_BYTES } from '../../engine/audio/mulaw.js';
import { appendAudioMessage } from '../../engine/realtime/client-event-builders.js';
import { parseServerEvent, type ParsedServerEvent } from '../../engine/realtime/parse-server-event.js';
import { EventLog, type WaitOptions } from '../../engine/testing/event-log.js';

export interface Received {
  seq: number;
  event: ParsedServerEvent;
  /** The frame as sent, for schema checks. */
  raw: Record<string, unknown>;
}

export async function connectRealtimeClient(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? { Authorization: 'Bearer sk-test-key' } });
  const log = new EventLog<Received>((r) => r.event.type);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => {
    const text = data.toString();
    log.push({ seq: log.nextSeq(), event: parseServerEvent(text), raw: JSON.parse(text) as Record<string, unknown> });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    log,
    get received(): Received[] {
      return log.entries;
    },
    send(event: unknown): void {
      ws.send(typeof event === 'string' ? event : JSON.stringify(event));
    },
    /** Sends μ-law audio as 20 ms `input_audio_buffer.append` events. */
    sendAudio(bytes: Uint8Array): void {
      for (let at = 0; at < bytes.length; at += TWILIO_FRAME_BYTES) {
        ws.send(appendAudioMessage(Buffer.from(bytes.subarray(at, at + TWILIO_FRAME_BYTES)).toString('base64')));
      }
    },
    /** Waits for a server event of `type` (the nth after `after`). */
    async next<T extends ParsedServerEvent['type']>(type: T, waitOptions: WaitOptions = {}): Promise<Extract<ParsedServerEvent, { type: T }> & { seq: number }> {
      const found = await log.waitFor((r) => r.event.type === type, { description: `server event ${type}`, ...waitOptions });
      return Object.assign(found.event as Extract<ParsedServerEvent, { type: T }>, { seq: found.seq });
    },
    /** Types of events received after `seq`, in order. */
    typesAfter(seq: number): string[] {
      return log.entries.filter((r) => r.seq > seq).map((r) => r.event.type);
    },
    close(): void {
      ws.close();
    },
  };
}

export type RealtimeTestClient = Awaited<ReturnType<typeof connectRealtimeClient>>;
