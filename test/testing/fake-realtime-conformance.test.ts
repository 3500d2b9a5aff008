/**
 * Every event the fake realtime server sends, over a session that exercises
 * all of them, checked against the official GA schema (when the shared
 * conformance file is present) and against Parley's own parser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawSilence } from '../../engine/audio/mulaw.js';
import { synthesizeSpeech } from '../../engine/audio/synthetic-speech.js';
import {
  clearAudio,
  deleteItem,
  functionCallOutput,
  responseCancel,
  responseCreate,
  retrieveItem,
  sessionUpdate,
  textMessage,
  truncate,
} from '../../engine/realtime/client-event-builders.js';
import { HANDLED_SERVER_EVENT_TYPES, parseServerEvent } from '../../engine/realtime/parse-server-event.js';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import { loadConformance } from '../helpers/conformance.js';
import { connectRealtimeClient } from '../helpers/realtime-test-client.js';

const conformance = loadConformance();
const tool = { type: 'function' as const, name: 'go_scheduling', description: 'Parent agrees to schedule.', parameters: { type: 'object', properties: { parentName: { type: 'string' } } } };

/** Every server event type the fake can send. */
const EMITTED = HANDLED_SERVER_EVENT_TYPES.filter((type) => type !== 'conversation.item.created');

let fake: FakeRealtimeServer;

beforeAll(async () => {
  const script = createConversationScript([
    agent.says('Hi, this is Sophia from Jefferson Dental.'),
    caller.says('Yes, this is Maria.'),
    agent.saysThenCalls('Great.', 'go_scheduling', { parentName: 'Maria' }),
    agent.says('We have Tuesday at nine or Thursday at two. Which one would suit you better, Maria?', { pacing: 'realtime' }),
    caller.says('Tuesday.', { transcriptionFails: true }),
    agent.says('Tuesday it is.'),
    agent.says('One moment.', { wait: { gate: 'never' } }),
    agent.fails({ code: 'server_error' }),
    agent.says('Booked.'),
  ]);
  fake = await createFakeRealtimeServer({ script });
  const client = await connectRealtimeClient(fake.urlFor());
  await client.next('session.created');
  client.send(sessionUpdate({ model: 'gpt-realtime', instructions: 'Be Sophia.', tools: [tool], voice: 'marin', turnDetection: { type: 'server_vad' }, transcription: { model: 'whisper-1' } }));
  await client.next('session.updated');
  client.send(responseCreate());
  await client.next('response.done');
  say(client, 700);
  const call = await client.next('response.function_call_arguments.done');
  await client.next('response.done', { nth: 2 });
  client.send(functionCallOutput(call.call_id, { ok: true }));
  client.send(responseCreate());
  const longCreated = await client.next('response.created', { nth: 3 });
  const long = await client.next('response.output_item.added', { after: longCreated.seq });
  await client.next('response.output_audio.delta', { after: long.seq, nth: 2 });
  say(client, 400);
  await client.next('response.done', { nth: 3 });
  client.send(truncate(long.item.id!, 100));
  await client.next('conversation.item.truncated');
  await client.next('response.done', { nth: 4 });
  client.send(responseCreate());
  await client.next('response.created', { nth: 5 });
  client.send(responseCancel());
  await client.next('response.done', { nth: 5 });
  client.send(responseCreate());
  await client.next('response.done', { nth: 6 });
  client.send(responseCreate({ outOfBand: true, outputModality: 'text' }));
  const outOfBand = await client.next('response.done', { nth: 7 });
  client.send(textMessage('user', 'typed'));
  const typed = await client.next('conversation.item.done', { after: outOfBand.seq });
  client.send(retrieveItem(typed.item.id!));
  await client.next('conversation.item.retrieved');
  client.send(deleteItem(typed.item.id!));
  await client.next('conversation.item.deleted');
  client.send(clearAudio());
  await client.next('input_audio_buffer.cleared');
  client.send(truncate('item_missing', 10));
  await client.next('error', { nth: 2 });
  client.close();
});

afterAll(async () => {
  await fake?.close();
});

function say(client: Awaited<ReturnType<typeof connectRealtimeClient>>, ms: number) {
  client.sendAudio(synthesizeSpeech(ms));
  client.sendAudio(mulawSilence(700));
}

describe('fake realtime server events', () => {
  it('cover every server event type the fake can send', () => {
    const sent = new Set(fake.serverEvents().map((e) => e.event.type));
    expect([...EMITTED].filter((type) => !sent.has(type))).toEqual([]);
    expect(fake.serverEvents().length).toBeGreaterThan(150);
  });

  it('all parse as handled events with Parley’s own parser', () => {
    for (const { event } of fake.serverEvents()) expect(parseServerEvent(JSON.stringify(event)).type, event.type).toBe(event.type);
  });

  it.skipIf(!conformance)('all conform to the official GA server event schemas', () => {
    const failures = fake
      .serverEvents()
      .map(({ seq, event }) => ({ seq, problems: conformance!.serverEvent(event) }))
      .filter((result) => result.problems.length > 0);
    expect(failures).toEqual([]);
  });

  it.skipIf(!conformance)('and what the test client sent conforms too (builders under real use)', () => {
    const client = fake.clientEvents().map((e) => e.event);
    const problems = client.filter((event) => event.type !== 'response.create' || !event.response?.conversation).flatMap((event) => conformance!.clientEvent(event));
    expect(problems).toEqual([]);
  });
});
