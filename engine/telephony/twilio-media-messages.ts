/**
 * Twilio Media Streams wire messages (bidirectional `<Connect><Stream>`):
 * `parseTwilioMessage` for what Twilio sends, builders for what Parley sends
 * back (`media`, `mark`, `clear`).
 *
 * The parser never throws and returns a discriminated union on `type`. Twilio
 * sends numbers (`sequenceNumber`, `media.chunk`, `media.timestamp`) as
 * strings; they come out as numbers. A `media` payload stays base64: it goes to
 * the model's `input_audio_buffer.append` exactly as it came. The `media` path
 * is the hot one (50 frames a second a call): one `JSON.parse`, a few `typeof`
 * checks, digit loops instead of regexes, and one small result object.
 */
import { parseJsonObject } from '../util/wire-text.js';

/** The first message on a stream. */
export interface TwilioConnectedMessage {
  type: 'connected';
  /** `Call`. */
  protocol: string;
  /** e.g. `1.0.0`. */
  version: string;
}

/** Audio format Twilio declares in `start.mediaFormat`. */
export interface TwilioMediaFormat {
  /** `audio/x-mulaw`. */
  encoding: string;
  /** 8000. */
  sampleRate: number;
  /** 1. */
  channels: number;
}

/** Stream metadata, sent once after `connected`. */
export interface TwilioStartMessage {
  type: 'start';
  sequenceNumber: number;
  streamSid: string;
  callSid: string;
  accountSid: string;
  /** `inbound`, `outbound`. */
  tracks: string[];
  /** `<Parameter>`s of the `<Stream>`, e.g. `{ flowId: 'dental-outreach' }`. */
  customParameters: Record<string, string>;
  mediaFormat: TwilioMediaFormat;
}

/** One frame of caller audio. */
export interface TwilioMediaMessage {
  type: 'media';
  sequenceNumber: number;
  streamSid: string;
  /** `inbound` for the caller. */
  track: string;
  /** 1, 2, 3, … per track. */
  chunk: number;
  /** Milliseconds since the stream started. */
  timestamp: number;
  /** Base64 μ-law, 160 bytes (20 ms) per frame; forward it as is. */
  payload: string;
}

/** A `mark` Parley sent, echoed once the audio sent before it has played (or was cleared). */
export interface TwilioMarkMessage {
  type: 'mark';
  sequenceNumber: number;
  streamSid: string;
  name: string;
}

/** A keypad press. */
export interface TwilioDtmfMessage {
  type: 'dtmf';
  sequenceNumber: number;
  streamSid: string;
  /** `inbound_track`. */
  track: string;
  /** `0`–`9`, `*`, `#`. */
  digit: string;
}

/** The stream ended (hang-up, or the call left the `<Connect>`). */
export interface TwilioStopMessage {
  type: 'stop';
  sequenceNumber: number;
  streamSid: string;
  callSid: string;
  accountSid: string;
}

/** A JSON object with an `event` Parley does not handle; passed through untouched. */
export interface TwilioUnknownMessage {
  type: 'unknown';
  event: string;
  raw: Record<string, unknown>;
}

/** Not a JSON object, or a handled message missing a field. */
export interface TwilioInvalidMessage {
  type: 'invalid';
  error: { code: 'TWILIO_MESSAGE_INVALID'; message: string };
}

/** What `parseTwilioMessage` returns. */
export type TwilioMessage =
  | TwilioConnectedMessage
  | TwilioStartMessage
  | TwilioMediaMessage
  | TwilioMarkMessage
  | TwilioDtmfMessage
  | TwilioStopMessage
  | TwilioUnknownMessage
  | TwilioInvalidMessage;

type Json = Record<string, unknown>;

const NOT_A_NUMBER = -1;

/**
 * A non-negative whole number from Twilio's decimal string (or a number, in
 * case Twilio ever sends one); `NOT_A_NUMBER` otherwise. A loop over the
 * characters: no regex, no allocation.
 */
function wholeNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : NOT_A_NUMBER;
  if (typeof value !== 'string' || value.length === 0 || value.length > 15) return NOT_A_NUMBER;
  let result = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NOT_A_NUMBER;
    result = result * 10 + digit;
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): TwilioInvalidMessage {
  return { type: 'invalid', error: { code: 'TWILIO_MESSAGE_INVALID', message } };
}

/** Parses one message from Twilio. Never throws. */
export function parseTwilioMessage(data: unknown): TwilioMessage {
  const message = parseJsonObject(data);
  if (typeof message === 'string') return invalid(message);
  const event = message.event;
  switch (event) {
    case 'media':
      return parseMedia(message);
    case 'mark':
      return parseMark(message);
    case 'dtmf':
      return parseDtmf(message);
    case 'start':
      return parseStart(message);
    case 'stop':
      return parseStop(message);
    case 'connected':
      return parseConnected(message);
    default:
      return typeof event === 'string' ? { type: 'unknown', event, raw: message } : invalid('the message has no string "event"');
  }
}

function parseMedia(message: Json): TwilioMediaMessage | TwilioInvalidMessage {
  const media = message.media;
  if (!isObject(media)) return invalid('media: "media" is missing or not an object');
  const payload = media.payload;
  if (typeof payload !== 'string') return invalid('media: "media.payload" is missing or not a string');
  const streamSid = message.streamSid;
  if (typeof streamSid !== 'string') return invalid('media: "streamSid" is missing or not a string');
  const track = media.track;
  if (typeof track !== 'string') return invalid('media: "media.track" is missing or not a string');
  const sequenceNumber = wholeNumber(message.sequenceNumber);
  const chunk = wholeNumber(media.chunk);
  const timestamp = wholeNumber(media.timestamp);
  if (sequenceNumber === NOT_A_NUMBER) return invalid('media: "sequenceNumber" is not a whole number');
  if (chunk === NOT_A_NUMBER) return invalid('media: "media.chunk" is not a whole number');
  if (timestamp === NOT_A_NUMBER) return invalid('media: "media.timestamp" is not a whole number');
  return { type: 'media', sequenceNumber, streamSid, track, chunk, timestamp, payload };
}

function parseMark(message: Json): TwilioMarkMessage | TwilioInvalidMessage {
  const mark = message.mark;
  if (!isObject(mark) || typeof mark.name !== 'string') return invalid('mark: "mark.name" is missing or not a string');
  if (typeof message.streamSid !== 'string') return invalid('mark: "streamSid" is missing or not a string');
  const sequenceNumber = wholeNumber(message.sequenceNumber);
  if (sequenceNumber === NOT_A_NUMBER) return invalid('mark: "sequenceNumber" is not a whole number');
  return { type: 'mark', sequenceNumber, streamSid: message.streamSid, name: mark.name };
}

function parseDtmf(message: Json): TwilioDtmfMessage | TwilioInvalidMessage {
  const dtmf = message.dtmf;
  if (!isObject(dtmf) || typeof dtmf.digit !== 'string') return invalid('dtmf: "dtmf.digit" is missing or not a string');
  if (typeof message.streamSid !== 'string') return invalid('dtmf: "streamSid" is missing or not a string');
  const sequenceNumber = wholeNumber(message.sequenceNumber);
  if (sequenceNumber === NOT_A_NUMBER) return invalid('dtmf: "sequenceNumber" is not a whole number');
  const track = typeof dtmf.track === 'string' ? dtmf.track : 'inbound_track';
  return { type: 'dtmf', sequenceNumber, streamSid: message.streamSid, track, digit: dtmf.digit };
}

function parseStart(message: Json): TwilioStartMessage | TwilioInvalidMessage {
  const start = message.start;
  if (!isObject(start)) return invalid('start: "start" is missing or not an object');
  for (const field of ['streamSid', 'callSid', 'accountSid'] as const) {
    if (typeof start[field] !== 'string') return invalid(`start: "start.${field}" is missing or not a string`);
  }
  const sequenceNumber = wholeNumber(message.sequenceNumber);
  if (sequenceNumber === NOT_A_NUMBER) return invalid('start: "sequenceNumber" is not a whole number');
  const tracks = Array.isArray(start.tracks) ? start.tracks.filter((t): t is string => typeof t === 'string') : [];
  const customParameters: Record<string, string> = {};
  if (start.customParameters !== undefined && !isObject(start.customParameters)) return invalid('start: "start.customParameters" is not an object');
  for (const [name, value] of Object.entries(start.customParameters ?? {})) {
    if (typeof value === 'string') customParameters[name] = value;
  }
  const format = start.mediaFormat;
  if (!isObject(format) || typeof format.encoding !== 'string') return invalid('start: "start.mediaFormat.encoding" is missing or not a string');
  const sampleRate = wholeNumber(format.sampleRate);
  const channels = wholeNumber(format.channels);
  if (sampleRate === NOT_A_NUMBER || channels === NOT_A_NUMBER) return invalid('start: "start.mediaFormat" sampleRate and channels must be whole numbers');
  return {
    type: 'start',
    sequenceNumber,
    streamSid: start.streamSid as string,
    callSid: start.callSid as string,
    accountSid: start.accountSid as string,
    tracks,
    customParameters,
    mediaFormat: { encoding: format.encoding, sampleRate, channels },
  };
}

function parseStop(message: Json): TwilioStopMessage | TwilioInvalidMessage {
  if (typeof message.streamSid !== 'string') return invalid('stop: "streamSid" is missing or not a string');
  const sequenceNumber = wholeNumber(message.sequenceNumber);
  if (sequenceNumber === NOT_A_NUMBER) return invalid('stop: "sequenceNumber" is not a whole number');
  const stop = isObject(message.stop) ? message.stop : {};
  const callSid = typeof stop.callSid === 'string' ? stop.callSid : '';
  const accountSid = typeof stop.accountSid === 'string' ? stop.accountSid : '';
  return { type: 'stop', sequenceNumber, streamSid: message.streamSid, callSid, accountSid };
}

function parseConnected(message: Json): TwilioConnectedMessage {
  return {
    type: 'connected',
    protocol: typeof message.protocol === 'string' ? message.protocol : '',
    version: typeof message.version === 'string' ? message.version : '',
  };
}

// What Parley sends to Twilio. Strings are passed through JSON.stringify so no
// value can break the JSON; the rest is a template, cheaper than building an object.

/** `media`: base64 μ-law for Twilio to play to the caller (any length; Twilio buffers it). */
export function twilioMedia(streamSid: string, payload: string): string {
  return '{"event":"media","streamSid":' + JSON.stringify(streamSid) + ',"media":{"payload":' + JSON.stringify(payload) + '}}';
}

/** `mark`: Twilio echoes it back once the audio sent before it has played (or was cleared). */
export function twilioMark(streamSid: string, name: string): string {
  return '{"event":"mark","streamSid":' + JSON.stringify(streamSid) + ',"mark":{"name":' + JSON.stringify(name) + '}}';
}

/** `clear`: Twilio drops the audio it has buffered and echoes every pending mark (barge-in). */
export function twilioClear(streamSid: string): string {
  return '{"event":"clear","streamSid":' + JSON.stringify(streamSid) + '}';
}
