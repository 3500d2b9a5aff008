/**
 * The Twilio side of Media Streams, for the call simulator: the messages
 * Twilio sends, formatted as Twilio formats them (numbers as strings, the
 * field order of Twilio's examples), and `parseTwilioCommand` for what Parley
 * sends to Twilio (`media`, `mark`, `clear`), which never throws.
 */
import { parseJsonObject } from '../util/wire-text.js';

/** Identifiers of one simulated stream. */
export interface TwilioStreamIds {
  accountSid: string;
  callSid: string;
  streamSid: string;
}

/** `connected`, the first message on a stream. */
export function twilioConnectedMessage(): string {
  return JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' });
}

/** `start`, with the stream's metadata; always sequence number 1. */
export function twilioStartMessage(ids: TwilioStreamIds, options: { tracks: string[]; customParameters: Record<string, string> }): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: ids.accountSid,
      streamSid: ids.streamSid,
      callSid: ids.callSid,
      tracks: options.tracks,
      customParameters: options.customParameters,
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: ids.streamSid,
  });
}

/**
 * `media`: one frame of caller audio. `quotedStreamSid` is the stream sid
 * already JSON-quoted, so the per-frame path only formats numbers and copies
 * the payload (base64 never needs escaping).
 */
export function twilioMediaMessage(quotedStreamSid: string, sequenceNumber: number, chunk: number, timestampMs: number, payload: string): string {
  return `{"event":"media","sequenceNumber":"${sequenceNumber}","media":{"track":"inbound","chunk":"${chunk}","timestamp":"${timestampMs}","payload":"${payload}"},"streamSid":${quotedStreamSid}}`;
}

/** `mark` echoed back once the audio before it has played (or was cleared). */
export function twilioMarkEcho(streamSid: string, sequenceNumber: number, name: string): string {
  return JSON.stringify({ event: 'mark', sequenceNumber: String(sequenceNumber), streamSid, mark: { name } });
}

/** `dtmf`: one key press. */
export function twilioDtmfMessage(streamSid: string, sequenceNumber: number, digit: string): string {
  return JSON.stringify({ event: 'dtmf', streamSid, sequenceNumber: String(sequenceNumber), dtmf: { track: 'inbound_track', digit } });
}

/** `stop`: the stream ends. */
export function twilioStopMessage(ids: TwilioStreamIds, sequenceNumber: number): string {
  return JSON.stringify({ event: 'stop', sequenceNumber: String(sequenceNumber), streamSid: ids.streamSid, stop: { accountSid: ids.accountSid, callSid: ids.callSid } });
}

/** What Parley sends to Twilio, parsed. */
export type TwilioCommand =
  | { type: 'media'; streamSid: string; payload: string }
  | { type: 'mark'; streamSid: string; name: string }
  | { type: 'clear'; streamSid: string }
  | { type: 'unknown'; event: string; raw: Record<string, unknown> }
  | { type: 'invalid'; message: string };

/** Parses one message Parley sent to Twilio. Never throws. */
export function parseTwilioCommand(data: unknown): TwilioCommand {
  const message = parseJsonObject(data);
  if (typeof message === 'string') return { type: 'invalid', message };
  const { event, streamSid } = message;
  if (typeof event !== 'string') return { type: 'invalid', message: 'the message has no string "event"' };
  if (event !== 'media' && event !== 'mark' && event !== 'clear') return { type: 'unknown', event, raw: message };
  if (typeof streamSid !== 'string') return { type: 'invalid', message: `${event}: "streamSid" is missing or not a string` };
  if (event === 'clear') return { type: 'clear', streamSid };
  const body = message[event];
  if (typeof body !== 'object' || body === null) return { type: 'invalid', message: `${event}: "${event}" is missing or not an object` };
  if (event === 'mark') {
    const name = (body as Record<string, unknown>).name;
    return typeof name === 'string' ? { type: 'mark', streamSid, name } : { type: 'invalid', message: 'mark: "mark.name" is missing or not a string' };
  }
  const payload = (body as Record<string, unknown>).payload;
  return typeof payload === 'string' ? { type: 'media', streamSid, payload } : { type: 'invalid', message: 'media: "media.payload" is missing or not a string' };
}
