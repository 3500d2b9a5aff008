import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MULAW_BYTES_PER_MS, mulawSilence } from '../../engine/audio/mulaw.js';
import { synthesizeSpeech } from '../../engine/audio/synthetic-speech.js';
import type { ToolSpec } from '../../engine/interpreter/call-types.js';
import {
  commitAudio,
  clearAudio,
  deleteItem,
  functionCallOutput,
  responseCancel,
  responseCreate,
  retrieveItem,
  sessionUpdate,
  textMessage,
  truncate,
  type SessionSettings,
} from '../../engine/realtime/client-event-builders.js';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer, type FakeRealtimeServerOptions } from '../../engine/testing/fake-realtime-server.js';
import { connectRealtimeClient, type RealtimeTestClient } from '../helpers/realtime-test-client.js';

const goScheduling: ToolSpec = {
  type: 'function',
  name: 'go_scheduling',
  description: 'The caller is the parent and is open to scheduling.',
  parameters: { type: 'object', properties: { parentName: { type: 'string' } }, required: ['parentName'] },
};
const checkAvailability: ToolSpec = { type: 'function', name: 'check_availability', description: 'Find open slots.', parameters: { type: 'object', properties: {} } };

const STAGE: SessionSettings = {
  model: 'gpt-realtime',
  instructions: 'You are Sophia, calling from Jefferson Dental.',
  tools: [goScheduling, checkAvailability],
  voice: 'marin',
  turnDetection: { type: 'server_vad', silenceMs: 500 },
  transcription: { model: 'gpt-4o-mini-transcribe' },
};

let fake: FakeRealtimeServer | undefined;
const clients: RealtimeTestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeRealtimeServerOptions = {}, settings: SessionSettings | null = STAGE) {
  fake = await createFakeRealtimeServer(options);
  const client = await connectRealtimeClient(fake.urlFor('gpt-realtime'));
  clients.push(client);
  await client.next('session.created');
  if (settings) {
    client.send(sessionUpdate(settings));
    await client.next('session.updated');
  }
  return { fake, client };
}

/** Caller speech followed by enough silence to end the turn. */
function say(client: RealtimeTestClient, ms: number, silenceMs = 700): void {
  client.sendAudio(synthesizeSpeech(ms));
  client.sendAudio(mulawSilence(silenceMs));
}

const audioBytes = (client: RealtimeTestClient, responseId: string) =>
  client.received
    .filter((r) => r.event.type === 'response.output_audio.delta' && r.event.response_id === responseId)
    .reduce((n, r) => n + Buffer.from((r.event as { delta: string }).delta, 'base64').length, 0);

describe('fake realtime server: connecting', () => {
  it('accepts the OpenAI URL with a bearer key or a browser subprotocol key, and records it', async () => {
    fake = await createFakeRealtimeServer();
    expect(fake.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    const bearer = await connectRealtimeClient(fake.urlFor('gpt-realtime'), { headers: { Authorization: 'Bearer sk-abc' } });
    clients.push(bearer);
    const created = await bearer.next('session.created');
    expect(created.session).toMatchObject({ type: 'realtime', object: 'realtime.session', model: 'gpt-realtime' });
    const browser = await connectRealtimeClient(fake.urlFor('gpt-realtime-mini'), { headers: {}, protocols: ['realtime', 'openai-insecure-api-key.sk-browser'] });
    clients.push(browser);
    expect(browser.ws.protocol).toBe('realtime');
    await fake.waitForSession(2);
    expect(fake.sessions.map((s) => [s.context.model, s.context.auth])).toEqual([
      ['gpt-realtime', { present: true, via: 'bearer', key: 'sk-abc' }],
      ['gpt-realtime-mini', { present: true, via: 'subprotocol', key: 'sk-browser' }],
    ]);
  });

  it('refuses what OpenAI refuses: no key, no model, another path, and the beta protocol header', async () => {
    fake = await createFakeRealtimeServer();
    const status = (url: string, headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => undefined);
      });
    const key = { Authorization: 'Bearer sk-x' };
    expect(await status(fake.urlFor(), {})).toBe(401);
    expect(await status(fake.url, key)).toBe(400);
    expect(await status(fake.url.replace('/v1/realtime', '/v1/other') + '?model=gpt-realtime', key)).toBe(404);
    expect(await status(fake.urlFor(), { ...key, 'OpenAI-Beta': 'realtime=v1' })).toBe(400);
    expect(fake.rejectedConnections.map((r) => [r.status, r.reason])).toEqual([
      [401, 'auth'],
      [400, 'model'],
      [404, 'path'],
      [400, 'beta-header'],
    ]);
    expect(fake.sessions).toHaveLength(0);
  });
});

describe('fake realtime server: a scripted call', () => {
  it('greets, hears the caller through VAD, calls an intent, takes the tool output and answers', async () => {
    const script = createConversationScript([
      agent.says('Hi, this is Sophia from Jefferson Dental. Am I speaking with the parent of Tommy?'),
      caller.says('Yes, this is Maria, his mom.'),
      agent.calls('go_scheduling', { parentName: 'Maria' }),
      agent.says('Thanks, Maria! Let me look at the schedule.'),
    ]);
    const { fake, client } = await start({ script });

    // The session reflects the update, in GA shape.
    const updated = await client.next('session.updated');
    expect(updated.session).toMatchObject({
      instructions: STAGE.instructions,
      tools: [goScheduling, checkAvailability],
      audio: {
        input: { format: { type: 'audio/pcmu' }, transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500, threshold: 0.5, prefix_padding_ms: 300 } },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
    });

    expect(fake.session!.settings).toMatchObject({
      instructions: STAGE.instructions,
      toolNames: ['go_scheduling', 'check_availability'],
      voice: 'marin',
      model: 'gpt-realtime',
      inputFormat: 'audio/pcmu',
      outputFormat: 'audio/pcmu',
      turnDetection: { type: 'server_vad', silence_duration_ms: 500 },
      transcription: { model: 'gpt-4o-mini-transcribe' },
    });

    // 1. The agent speaks first.
    client.send(responseCreate());
    const greeting = await client.next('response.done');
    expect(greeting.response.status).toBe('completed');
    const greetingText = 'Hi, this is Sophia from Jefferson Dental. Am I speaking with the parent of Tommy?';
    expect(greeting.response.output?.[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: greetingText }] });
    // Audio length follows the text: 60 ms a character, whole 20 ms frames, μ-law.
    expect(audioBytes(client, greeting.response.id!)).toBe(Math.ceil((greetingText.length * 60) / 20) * 20 * MULAW_BYTES_PER_MS);
    const transcript = client.received.filter((r) => r.event.type === 'response.output_audio_transcript.delta').map((r) => (r.event as { delta: string }).delta).join('');
    expect(transcript).toBe(greetingText);

    // 2. The caller answers: 1 s of speech after 400 ms of silence, then silence.
    client.sendAudio(mulawSilence(400));
    say(client, 1000);
    const started = await client.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBe(400 + 60 - 60 - 300); // speech at 400 ms, reported with 300 ms of prefix padding
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms).toBe(400 + 1000 + 500);
    expect(stopped.item_id).toBe(started.item_id);
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(started.item_id);
    const heard = await client.next('conversation.item.input_audio_transcription.completed');
    expect(heard).toMatchObject({ item_id: started.item_id, content_index: 0, transcript: 'Yes, this is Maria, his mom.' });
    // The server answers the turn by itself (create_response defaults to true) with the intent call.
    const intent = await client.next('response.function_call_arguments.done');
    expect(intent).toMatchObject({ name: 'go_scheduling', arguments: '{"parentName":"Maria"}' });
    const afterTurn = client.typesAfter(committed.seq);
    expect(afterTurn.slice(0, 4)).toEqual(['conversation.item.added', 'conversation.item.done', 'response.created', 'conversation.item.input_audio_transcription.delta']);
    const callDone = await client.next('response.done', { nth: 2 });
    expect(callDone.response.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'go_scheduling', call_id: intent.call_id, status: 'completed' })]);

    // 3. The engine applies the transition, returns the output and asks for the next response.
    client.send(sessionUpdate({ instructions: 'Scheduling stage.', tools: [checkAvailability] }));
    await client.next('session.updated', { nth: 2 });
    client.send(functionCallOutput(intent.call_id, { ok: true }));
    client.send(responseCreate());
    const answer = await client.next('response.done', { nth: 3 });
    expect(answer.response.output?.[0]).toMatchObject({ content: [{ transcript: 'Thanks, Maria! Let me look at the schedule.' }] });

    // The conversation holds it all, in order.
    const items = fake.session!.conversation.items.map((i) => [i.type, i.role ?? i.name ?? i.call_id]);
    expect(items).toEqual([
      ['message', 'assistant'],
      ['message', 'user'],
      ['function_call', 'go_scheduling'],
      ['function_call_output', intent.call_id],
      ['message', 'assistant'],
    ]);
    expect(fake.session!.conversation.items[1]!.content).toEqual([{ type: 'input_audio', transcript: 'Yes, this is Maria, his mom.' }]);
    expect(script.describe()).toBe(
      [
        '  0. [done] agent says "Hi, this is Sophia from Jefferson Den…"',
        '  1. [heard] caller says "Yes, this is Maria, his mom."',
        '  2. [done] agent calls go_scheduling',
        '  3. [done] agent says "Thanks, Maria! Let me look at the sch…"',
      ].join('\n'),
    );
    expect(fake.issues).toEqual([]);

    // Recorded both ways, in order: the update was acknowledged before the response it belongs to.
    const order = fake.events.map((e) => `${e.direction}:${e.event.type}`);
    const update2 = order.indexOf('client:session.update', order.indexOf('client:session.update') + 1);
    expect(order.indexOf('server:session.updated', update2)).toBeLessThan(order.lastIndexOf('client:response.create'));
    expect(fake.events.every((e, i) => e.seq === i + 1 && (i === 0 || e.at >= fake.events[i - 1]!.at))).toBe(true);
  });

  it('cancels the response when the caller barges in, and truncates the item to what was played', async () => {
    const line = 'Our office hours are Monday through Friday from eight in the morning until six in the evening, and Saturdays until noon.';
    const { fake, client } = await start({ script: createConversationScript([agent.says(line)]), audioPacing: 'realtime' });
    client.send(responseCreate());
    const created = await client.next('response.created');
    await client.next('response.output_audio.delta', { nth: 3 });
    say(client, 600);
    const started = await client.next('input_audio_buffer.speech_started');
    const done = await client.next('response.done');
    expect(done.seq).toBeGreaterThan(started.seq);
    expect(done.response).toMatchObject({ id: created.response.id, status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    const item = done.response.output![0] as { id: string; status: string; content: Array<{ transcript: string }> };
    expect(item.status).toBe('incomplete');
    const sentMs = audioBytes(client, created.response.id!) / MULAW_BYTES_PER_MS;
    expect(sentMs).toBeGreaterThanOrEqual(300);
    expect(sentMs).toBeLessThan(line.length * 60);
    expect(item.content[0]!.transcript).toBe(line.slice(0, Math.ceil(sentMs / 60)));

    // Truncating past the audio the server produced is refused, with the API's words.
    client.send(truncate(item.id, sentMs + 200, { eventId: 'evt_trunc' }));
    const refused = await client.next('error');
    expect(refused.error).toEqual({ type: 'invalid_request_error', code: 'invalid_value', message: `Audio content of ${sentMs}ms is already shorter than ${sentMs + 200}ms`, param: 'audio_end_ms', event_id: 'evt_trunc' });
    // The caller heard 240 ms: the item keeps the transcript of those 4 characters.
    client.send(truncate(item.id, 240));
    expect(await client.next('conversation.item.truncated')).toMatchObject({ item_id: item.id, content_index: 0, audio_end_ms: 240 });
    client.send(retrieveItem(item.id));
    expect((await client.next('conversation.item.retrieved')).item).toMatchObject({ id: item.id, content: [{ type: 'output_audio', transcript: line.slice(0, 4) }] });
    expect(fake.issues.map((i) => i.kind)).toEqual(['script-exhausted']);
  });

  it('keeps speaking over the caller when interrupt_response is false, and does not answer while busy', async () => {
    const line = 'This announcement keeps going regardless.';
    const { client } = await start({ script: createConversationScript([agent.says(line)]), audioPacing: { speed: 4 } }, { ...STAGE, turnDetection: { type: 'server_vad', interruptible: false } });
    client.send(responseCreate());
    await client.next('response.output_audio.delta');
    say(client, 300);
    await client.next('input_audio_buffer.committed');
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(client.received.filter((r) => r.event.type === 'response.created')).toHaveLength(1);
  });
});

describe('fake realtime server: the API rules', () => {
  it('rejects a session.update as the API does, leaving the session unchanged', async () => {
    const { fake, client } = await start({}, null);
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{ type: 'realtime', modalities: ['audio'] }, { code: 'unknown_parameter', message: "Unknown parameter: 'session.modalities'.", param: 'session.modalities' }],
      [{ instructions: 'x' }, { code: 'missing_required_parameter', message: "Missing required parameter: 'session.type'.", param: 'session.type' }],
      [{ type: 'realtime', audio: { input: { format: { type: 'g711_ulaw' } } } }, { code: 'invalid_value', param: 'session.audio.input.format.type', message: "Invalid value: 'g711_ulaw'. Supported values are: 'audio/pcm', 'audio/pcmu', and 'audio/pcma'." }],
      [{ type: 'realtime', instructions: 42 }, { code: 'invalid_type', message: "Invalid type for 'session.instructions': expected a string, but got an integer instead.", param: 'session.instructions' }],
      [{ type: 'realtime', audio: { output: { speed: 2 } } }, { code: 'decimal_above_max_value', param: 'session.audio.output.speed' }],
      [{ type: 'realtime', tools: [{ type: 'function', name: 'has space' }] }, { code: 'invalid_value', param: 'session.tools[0].name' }],
      [{ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', eagerness: 'low' } } } }, { code: 'unknown_parameter', param: 'session.audio.input.turn_detection.eagerness' }],
    ];
    for (const [session, error] of cases) {
      client.send({ type: 'session.update', event_id: 'evt_bad', session });
      const seen = await client.next('error', { after: client.log.entries.length });
      expect(seen.error).toMatchObject({ type: 'invalid_request_error', event_id: 'evt_bad', ...error });
    }
    expect(client.received.filter((r) => r.event.type === 'session.updated')).toHaveLength(0);
    expect(fake.session!.state.instructions).toMatch(/^Your knowledge cutoff/);
  });

  it('locks the voice once the assistant has spoken', async () => {
    const { client } = await start({ script: createConversationScript([agent.says('Hello.')]) });
    client.send(sessionUpdate({ instructions: 'x', tools: [], voice: 'cedar' }));
    await client.next('session.updated', { nth: 2 });
    client.send(responseCreate());
    await client.next('response.done');
    client.send(sessionUpdate({ instructions: 'y', tools: [], voice: 'cedar' }, { eventId: 'evt_voice' }));
    expect((await client.next('error')).error).toEqual({
      type: 'invalid_request_error',
      code: 'cannot_update_voice',
      message: "Cannot update a conversation's voice if assistant audio is present.",
      param: null,
      event_id: 'evt_voice',
    });
    // Without the voice, the same update is fine.
    client.send(sessionUpdate({ instructions: 'y', tools: [] }));
    await client.next('session.updated', { nth: 3 });
  });

  it('allows one active response, and cancels only an active one', async () => {
    const { client } = await start({ script: createConversationScript([agent.says('One moment.', { wait: { gate: 'hold' } })]), responder: () => ({ say: 'Second.' }) });
    client.send(responseCreate());
    const first = await client.next('response.created');
    client.send(responseCreate({ eventId: 'evt_second' }));
    expect((await client.next('error')).error).toEqual({
      type: 'invalid_request_error',
      code: 'conversation_already_has_active_response',
      message: `Conversation already has an active response in progress: ${first.response.id}. Wait until the response is finished before creating a new one.`,
      param: null,
      event_id: 'evt_second',
    });
    client.send(responseCancel());
    const cancelled = await client.next('response.done');
    expect(cancelled.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'client_cancelled' }, output: [] });
    client.send(responseCancel(undefined, { eventId: 'evt_cancel' }));
    expect((await client.next('error', { nth: 2 })).error).toMatchObject({ code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', event_id: 'evt_cancel' });
  });

  it('commits caller audio by hand when turn detection is off, and refuses too little of it', async () => {
    const script = createConversationScript([caller.says('Tuesday morning works.')]);
    const { client } = await start({ script }, { ...STAGE, turnDetection: null });
    client.sendAudio(synthesizeSpeech(50));
    client.send(commitAudio());
    expect((await client.next('error')).error).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      message: 'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 50.00ms of audio.',
    });
    say(client, 800, 200);
    client.send(commitAudio());
    await client.next('input_audio_buffer.committed');
    expect((await client.next('conversation.item.input_audio_transcription.completed')).transcript).toBe('Tuesday morning works.');
    expect(client.received.some((r) => r.event.type === 'input_audio_buffer.speech_started' || r.event.type === 'response.created')).toBe(false);
    client.send(clearAudio());
    await client.next('input_audio_buffer.cleared');
  });

  it('sends the transcript before the response, with it, or after it, as configured', async () => {
    const order = async (transcriptTiming: FakeRealtimeServerOptions['transcriptTiming']) => {
      const { client } = await start({ transcriptTiming, script: createConversationScript([caller.says('Hello?'), agent.says('Hi!')]) });
      say(client, 500);
      await client.next('response.done');
      await client.next('conversation.item.input_audio_transcription.completed');
      const types = client.received.map((r) => r.event.type);
      await fake!.close();
      fake = undefined;
      return [types.indexOf('conversation.item.input_audio_transcription.completed'), types.indexOf('response.created'), types.indexOf('response.done')];
    };
    const [before, created1] = await order('before-response');
    expect(before).toBeLessThan(created1!);
    const [withIt, created2, done2] = await order('after-response-created');
    expect(withIt).toBeGreaterThan(created2!);
    expect(withIt).toBeLessThan(done2!);
    const [after, , done3] = await order('after-response-done');
    expect(after).toBeGreaterThan(done3!);
  });

  it('reports a failed transcription, and gives no transcript events when transcription is off', async () => {
    const script = createConversationScript([caller.says('mumble', { transcriptionFails: true }), agent.says('Sorry?'), caller.says('I said yes.'), agent.says('Great.')]);
    const { client } = await start({ script });
    say(client, 500);
    expect((await client.next('conversation.item.input_audio_transcription.failed')).error).toMatchObject({ type: 'transcription_error' });
    await client.next('response.done');
    client.send(sessionUpdate({ ...STAGE, voice: undefined, transcription: undefined }));
    await client.next('session.updated', { nth: 2 });
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: null } } } });
    await client.next('session.updated', { nth: 3 });
    say(client, 500);
    await client.next('response.done', { nth: 2 });
    expect(client.received.filter((r) => r.event.type === 'conversation.item.input_audio_transcription.completed')).toHaveLength(0);
  });

  it('creates, places, retrieves and deletes items, refusing unknown ids and bad items', async () => {
    const { fake, client } = await start({});
    client.send(textMessage('user', 'first'));
    const first = await client.next('conversation.item.done');
    const firstId = first.item.id!;
    client.send(textMessage('system', 'at the start', { previousItemId: 'root' }));
    const root = await client.next('conversation.item.added', { nth: 2 });
    expect(root.previous_item_id).toBeNull();
    client.send(textMessage('assistant', 'after first', { previousItemId: firstId }));
    expect((await client.next('conversation.item.added', { nth: 3 })).previous_item_id).toBe(firstId);
    expect(fake.session!.conversation.items.map((i) => (i.content as Array<{ text: string }>)[0]!.text)).toEqual(['at the start', 'first', 'after first']);

    client.send({ type: 'conversation.item.create', event_id: 'e1', item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'hi' }] } });
    expect((await client.next('error')).error).toMatchObject({ code: 'missing_required_parameter', message: "Missing required parameter: 'item.content[0].text'.", event_id: 'e1' });
    client.send(textMessage('user', 'x', { previousItemId: 'item_nope' }));
    expect((await client.next('error', { nth: 2 })).error).toMatchObject({ param: 'previous_item_id' });
    client.send(truncate(firstId, 0));
    expect((await client.next('error', { nth: 3 })).error).toMatchObject({ code: 'unsupported_content_type', message: 'Only model output audio messages can be truncated' });

    client.send(deleteItem(firstId));
    expect((await client.next('conversation.item.deleted')).item_id).toBe(firstId);
    client.send(deleteItem(firstId));
    expect((await client.next('error', { nth: 4 })).error).toMatchObject({ param: 'item_id' });
    client.send(functionCallOutput('call_unknown', 'x'));
    await client.next('conversation.item.done', { nth: 4 });
    expect(fake.issues.map((i) => i.kind)).toEqual(['orphan-tool-output']);
  });

  it('answers malformed and unknown client events with API errors', async () => {
    const { client } = await start({}, null);
    client.send('not json');
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_json' });
    client.send({ type: 'conversation.item.truncate', event_id: 'e2', item_id: 'x', content_index: 0 });
    expect((await client.next('error', { nth: 2 })).error).toMatchObject({ code: 'missing_required_parameter', param: 'audio_end_ms', event_id: 'e2' });
    client.send({ type: 'input_audio_buffer.append', audio: 12 });
    expect((await client.next('error', { nth: 3 })).error).toMatchObject({ code: 'invalid_type', message: "Invalid type for 'audio': expected a string, but got an integer instead." });
    client.send({ type: 'output_audio_buffer.clear' });
    expect((await client.next('error', { nth: 4 })).error).toMatchObject({ code: 'invalid_value', param: 'type' });
    client.send({ type: 'input_audio_buffer.append', audio: 'not base64!' });
    expect((await client.next('error', { nth: 5 })).error).toMatchObject({ code: 'invalid_value', param: 'audio' });
  });
});

describe('fake realtime server: scripted failures, gates, responders, issues', () => {
  it('fails a response with an error event', async () => {
    const { client } = await start({ script: createConversationScript([agent.fails({ code: 'rate_limit_exceeded', type: 'server_error', message: 'Slow down.' })]) });
    client.send(responseCreate());
    expect((await client.next('error')).error).toEqual({ type: 'server_error', code: 'rate_limit_exceeded', message: 'Slow down.', param: null, event_id: null });
    expect((await client.next('response.done')).response).toMatchObject({ status: 'failed', status_details: { type: 'failed', error: { type: 'server_error', code: 'rate_limit_exceeded' } } });
  });

  it('drops the connection mid-sentence, and carries the script over to the reconnection', async () => {
    const script = createConversationScript([agent.drops({ say: 'Let me check that for you, one moment please.', afterAudioMs: 400 }), agent.says('Sorry about that. Where were we?')]);
    const { fake, client } = await start({ script });
    client.send(responseCreate());
    const { code } = await client.closed;
    expect(code).toBe(1006);
    const sentMs = client.received.filter((r) => r.event.type === 'response.output_audio.delta').length * 100;
    expect(sentMs).toBe(400);
    expect(client.received.some((r) => r.event.type === 'response.done')).toBe(false);

    const again = await connectRealtimeClient(fake.urlFor());
    clients.push(again);
    await again.next('session.created');
    again.send(responseCreate());
    expect((await again.next('response.done')).response.output?.[0]).toMatchObject({ content: [{ transcript: 'Sorry about that. Where were we?' }] });
    expect(fake.sessions).toHaveLength(2);
    expect(fake.sessions[0]!.closed).toBe(true);
  });

  it('drops a connection on demand, and closes one with a code when scripted', async () => {
    const { fake, client } = await start({ script: createConversationScript([agent.turn({ fail: { kind: 'close', code: 1011, reason: 'overloaded' } })]) });
    fake.dropConnection();
    expect((await client.closed).code).toBe(1006);
    const second = await connectRealtimeClient(fake.urlFor());
    clients.push(second);
    second.send(responseCreate());
    expect(await second.closed).toEqual({ code: 1011, reason: 'overloaded' });
  });

  it('holds a response at a gate until the test releases it', async () => {
    const { fake, client } = await start({ script: createConversationScript([agent.says('Found two slots.', { wait: { gate: 'calendar' } })]) });
    client.send(responseCreate());
    const created = await client.next('response.created');
    client.send(sessionUpdate({ instructions: 'changed mid-response', tools: [] }));
    await client.next('session.updated', { nth: 2 });
    expect(client.typesAfter(created.seq)).toEqual(['rate_limits.updated', 'session.updated']);
    fake.release('calendar');
    expect((await client.next('response.done')).response.status).toBe('completed');
  });

  it('asks the responder when the script has run out, with the session it runs in', async () => {
    const seen: Array<{ instructions: string; tools: string[]; last: string | undefined; trigger: string }> = [];
    const { fake, client } = await start({
      script: createConversationScript([agent.says('Hello!'), caller.says('I need to book a cleaning.')]),
      responder: (ctx) => {
        seen.push({ instructions: ctx.session.instructions, tools: ctx.session.toolNames, last: ctx.lastCallerTranscript, trigger: ctx.trigger });
        return ctx.session.toolNames.includes('check_availability') ? { calls: [{ name: 'check_availability', arguments: {} }] } : { say: 'Okay.' };
      },
    });
    client.send(responseCreate());
    await client.next('response.done');
    say(client, 700);
    await client.next('response.function_call_arguments.done');
    expect(seen).toEqual([{ instructions: STAGE.instructions, tools: ['go_scheduling', 'check_availability'], last: 'I need to book a cleaning.', trigger: 'vad' }]);
    expect(fake.issues).toEqual([]);
  });

  it('runs out-of-band responses beside the conversation without adding to it', async () => {
    const { fake, client } = await start({ script: createConversationScript([agent.says('Welcome to Jefferson Dental.')]) });
    client.send(responseCreate());
    await client.next('response.done');
    client.send(responseCreate({ outOfBand: true, outputModality: 'text', instructions: 'Summarise.', metadata: { purpose: 'summary' } }));
    const summary = await client.next('response.done', { nth: 2 });
    expect(summary.response).toMatchObject({ status: 'completed', metadata: { purpose: 'summary' }, output_modalities: ['text'] });
    expect(summary.response.conversation_id).toBeUndefined();
    expect(summary.response.output?.[0]).toMatchObject({ content: [{ type: 'output_text', text: 'Summary. Agent: Welcome to Jefferson Dental.' }] });
    expect(fake.session!.conversation.items).toHaveLength(1);
  });

  it('notes responses before tool outputs or caller lines, tools the session does not offer, and an exhausted script', async () => {
    const script = createConversationScript([agent.calls('check_availability'), caller.says('Hm.'), agent.calls('book_appointment')]);
    const { fake, client } = await start({ script });
    client.send(responseCreate());
    await client.next('response.done');
    client.send(responseCreate());
    await client.next('response.done', { nth: 2 });
    client.send(responseCreate());
    await client.next('response.done', { nth: 3 });
    expect(fake.issues.map((i) => i.kind)).toEqual(['response-before-caller-line', 'response-before-tool-output', 'tool-not-offered', 'script-exhausted', 'response-before-tool-output']);
    expect(fake.issues[0]!.message).toContain('before caller line(s) 1 were heard');
  });
});
