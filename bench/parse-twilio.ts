/**
 * Micro-benchmark of the per-frame protocol path: parsing a Twilio `media`
 * frame (as ws delivers it: a Buffer), turning its payload into the model's
 * `input_audio_buffer.append`, and the reverse path (parsing a model audio
 * delta, building Twilio `media`).
 *
 *   npx tsx bench/parse-twilio.ts            # default 200,000 frames per case
 *   npx tsx bench/parse-twilio.ts 1000000
 *
 * Prints mean ns per operation and the p50/p99 of per-batch means (batches of
 * 1,000), and the bytes allocated per operation (heap growth with GC off
 * between samples is not measurable portably, so it is estimated from
 * `process.memoryUsage().heapUsed` over a batch after a forced GC when run
 * with --expose-gc).
 */
import { appendAudioMessage } from '../engine/realtime/client-event-builders.js';
import { parseServerEvent } from '../engine/realtime/parse-server-event.js';
import { TWILIO_FRAME_BYTES } from '../engine/audio/mulaw.js';
import { synthesizeSpeech } from '../engine/audio/synthetic-speech.js';
import { parseTwilioMessage, twilioMedia } from '../engine/telephony/twilio-media-messages.js';

const frames = Number(process.argv[2] ?? 200_000);
const BATCH = 1000;

const payload = Buffer.from(synthesizeSpeech(20)).toString('base64');
const streamSid = 'MZ18ad3ab5a668481ce02b83e7395059f0';
// What Twilio sends, byte for byte in shape: numbers as strings.
const twilioFrame = Buffer.from(
  JSON.stringify({ event: 'media', sequenceNumber: '1234', media: { track: 'inbound', chunk: '1233', timestamp: '24660', payload }, streamSid }),
);
const deltaPayload = Buffer.from(synthesizeSpeech(100)).toString('base64');
const modelDelta = Buffer.from(
  JSON.stringify({ type: 'response.output_audio.delta', event_id: 'event_CdulTJIOI2YjBMxYUiRzZ', response_id: 'resp_CdulSkgwnvcvHPA8FsqBM', item_id: 'item_CdulSkgwnvcvHPA8FsqBN', output_index: 0, content_index: 0, delta: deltaPayload }),
);

let sink = 0;
const cases: Record<string, () => void> = {
  'parseTwilioMessage(media frame, Buffer)': () => {
    const m = parseTwilioMessage(twilioFrame);
    if (m.type === 'media') sink += m.timestamp;
  },
  'Twilio media → appendAudioMessage (parse + build)': () => {
    const m = parseTwilioMessage(twilioFrame);
    if (m.type === 'media') sink += appendAudioMessage(m.payload).length;
  },
  'parseServerEvent(output_audio.delta 100 ms, Buffer)': () => {
    const e = parseServerEvent(modelDelta);
    if (e.type === 'response.output_audio.delta') sink += e.delta.length;
  },
  'model delta → twilioMedia (parse + build)': () => {
    const e = parseServerEvent(modelDelta);
    if (e.type === 'response.output_audio.delta') sink += twilioMedia(streamSid, e.delta).length;
  },
  'JSON.parse alone (media frame, Buffer → string)': () => {
    sink += (JSON.parse(twilioFrame.toString('utf8')) as { media: { payload: string } }).media.payload.length;
  },
};

const gc = (globalThis as { gc?: () => void }).gc;
console.log(`node ${process.version}, ${frames} operations per case, Twilio frame ${twilioFrame.length} B (${TWILIO_FRAME_BYTES} B of audio), model delta ${modelDelta.length} B`);
for (const [name, op] of Object.entries(cases)) {
  for (let i = 0; i < 20_000; i++) op(); // warm up the JIT
  const batchMeans: number[] = [];
  let allocated = 0;
  for (let done = 0; done < frames; done += BATCH) {
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) op();
    batchMeans.push(Number(process.hrtime.bigint() - start) / BATCH);
    allocated += process.memoryUsage().heapUsed - heapBefore;
  }
  batchMeans.sort((a, b) => a - b);
  const mean = batchMeans.reduce((s, v) => s + v, 0) / batchMeans.length;
  const at = (q: number) => batchMeans[Math.min(batchMeans.length - 1, Math.floor(q * batchMeans.length))]!;
  const perOp = gc ? `${Math.round(allocated / frames)} B/op allocated` : 'run with --expose-gc for B/op';
  console.log(`${name.padEnd(52)} mean ${mean.toFixed(0).padStart(5)} ns  p50 ${at(0.5).toFixed(0).padStart(5)} ns  p99 ${at(0.99).toFixed(0).padStart(5)} ns  ${perOp}`);
}
if (sink === 42) console.log('');
