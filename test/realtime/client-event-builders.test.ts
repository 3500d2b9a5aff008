import { describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../engine/interpreter/call-types.js';
import {
  appendAudio,
  appendAudioMessage,
  clearAudio,
  commitAudio,
  deleteItem,
  functionCallOutput,
  responseCancel,
  responseCreate,
  retrieveItem,
  sessionUpdate,
  textMessage,
  truncate,
} from '../../engine/realtime/client-event-builders.js';
import { parseClientEvent } from '../../engine/realtime/parse-client-event.js';
import { loadConformance } from '../helpers/conformance.js';

const conformance = loadConformance();

const goScheduling: ToolSpec = {
  type: 'function',
  name: 'go_scheduling',
  description: 'The caller is the parent and is open to scheduling.',
  parameters: { type: 'object', properties: { parentName: { type: 'string' } }, required: ['parentName'] },
};

/** One of every builder, in the variants the engine uses. */
const BUILT = {
  'session.update (stage entry, all settings)': sessionUpdate(
    {
      model: 'gpt-realtime',
      instructions: 'You are Sophia from Jefferson Dental.',
      tools: [goScheduling],
      toolChoice: 'auto',
      voice: 'marin',
      turnDetection: { type: 'server_vad', silenceMs: 500, threshold: 0.6, prefixPaddingMs: 300, interruptible: true },
      createResponse: false,
      transcription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'Jefferson Dental, Medicaid' },
      noiseReduction: 'near_field',
      maxOutputTokens: 4096,
    },
    { eventId: 'evt_stage_greeting' },
  ),
  'session.update (later stage, no voice)': sessionUpdate({ instructions: 'Scheduling.', tools: [], toolChoice: { type: 'function', name: 'go_scheduling' } }),
  'session.update (semantic VAD)': sessionUpdate({ instructions: 'x', tools: [goScheduling], turnDetection: { type: 'semantic_vad', eagerness: 'low' } }),
  'session.update (VAD off, text out)': sessionUpdate({ instructions: 'x', tools: [], turnDetection: null, outputModality: 'text', audioFormat: 'audio/pcm' }),
  'input_audio_buffer.append': appendAudio('/////w=='),
  'input_audio_buffer.commit': commitAudio(),
  'input_audio_buffer.clear': clearAudio({ eventId: 'evt_1' }),
  'conversation.item.create (function_call_output)': functionCallOutput('call_1', { status: 'ok', slots: ['Tue 9:00'] }),
  'conversation.item.create (function_call_output, text)': functionCallOutput('call_2', 'done', { previousItemId: 'item_1' }),
  'conversation.item.create (user text)': textMessage('user', 'Hello'),
  'conversation.item.create (user text, client item id)': textMessage('user', 'My son is bleeding.', { itemId: 'parley_u7' }),
  'conversation.item.create (assistant text)': textMessage('assistant', 'Hi, this is Sophia.'),
  'conversation.item.create (system text)': textMessage('system', 'The caller is Maria.', { previousItemId: 'root' }),
  'response.create (plain)': responseCreate(),
  'response.create (overrides)': responseCreate({ instructions: 'Say goodbye.', tools: [goScheduling], toolChoice: 'none', outputModality: 'audio', metadata: { stage: 'closing', reason: 'stage' }, eventId: 'evt_r' }),
  'response.create (out of band)': responseCreate({ outOfBand: true, outputModality: 'text', instructions: 'Summarise the call so far.' }),
  'response.cancel': responseCancel(),
  'response.cancel (named)': responseCancel('resp_1'),
  'conversation.item.truncate': truncate('item_A1', 1234.9),
  'conversation.item.delete': deleteItem('item_A1'),
  'conversation.item.retrieve': retrieveItem('item_A1'),
};

describe('client event builders', () => {
  it('build session.update in the GA shape', () => {
    expect(BUILT['session.update (stage entry, all settings)']).toEqual({
      type: 'session.update',
      event_id: 'evt_stage_greeting',
      session: {
        type: 'realtime',
        model: 'gpt-realtime',
        instructions: 'You are Sophia from Jefferson Dental.',
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcmu' },
            turn_detection: { type: 'server_vad', threshold: 0.6, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: false, interrupt_response: true },
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'Jefferson Dental, Medicaid' },
            noise_reduction: { type: 'near_field' },
          },
          output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
        },
        tools: [goScheduling],
        tool_choice: 'auto',
        max_output_tokens: 4096,
      },
    });
    const later = BUILT['session.update (later stage, no voice)'].session;
    expect(later.type === 'realtime' && later.audio?.output).toEqual({ format: { type: 'audio/pcmu' } });
    const off = BUILT['session.update (VAD off, text out)'].session;
    expect(off.type === 'realtime' && off.audio?.input).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null });
    const semantic = BUILT['session.update (semantic VAD)'].session;
    expect(semantic.type === 'realtime' && semantic.audio?.input?.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'low' });
  });

  it('serialise the audio fast path exactly like the object', () => {
    for (const payload of ['/////w==', '', 'a"b\\c']) expect(appendAudioMessage(payload)).toBe(JSON.stringify(appendAudio(payload)));
  });

  it('send tool outputs as strings, JSON-encoding anything else', () => {
    const item = (e: ReturnType<typeof functionCallOutput>) => e.item as { output: string };
    expect(item(functionCallOutput('c', { a: 1 })).output).toBe('{"a":1}');
    expect(item(functionCallOutput('c', 'plain')).output).toBe('plain');
    expect(item(functionCallOutput('c', undefined)).output).toBe('null');
  });

  it('put a client-chosen item id on the item, not on the event', () => {
    expect(textMessage('user', 'Hi', { itemId: 'parley_u7' })).toEqual({ type: 'conversation.item.create', item: { id: 'parley_u7', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
  });

  it('truncate at whole, non-negative milliseconds', () => {
    expect(truncate('i', 1234.9).audio_end_ms).toBe(1234);
    expect(truncate('i', -5).audio_end_ms).toBe(0);
    expect(truncate('i', 10, { contentIndex: 1 }).content_index).toBe(1);
  });

  it.each(Object.entries(BUILT))('%s parses back as itself', (_name, event) => {
    expect(parseClientEvent(JSON.stringify(event))).toEqual(event);
  });

  it.skipIf(!conformance)('every built event conforms to the official GA client event schema', () => {
    for (const [name, event] of Object.entries(BUILT)) {
      if (name === 'response.create (out of band)') continue;
      expect(conformance!.clientEvent(event), name).toEqual([]);
    }
  });

  it.skipIf(!conformance)('out-of-band response.create conforms but for a defect of the official schema', () => {
    // The schema declares `conversation` as oneOf [any string, enum auto|none]: "none" matches
    // both branches, so no value of the enum can pass a strict oneOf. The API documents
    // `conversation: "none"` for out-of-band responses; everything else must conform.
    const event = BUILT['response.create (out of band)'];
    expect(event.response?.conversation).toBe('none');
    expect(conformance!.clientEvent(event)).toEqual([
      'response.create /response/conversation must match exactly one schema in oneOf {"passingSchemas":[0,1]}',
    ]);
    const { conversation: _conversation, ...rest } = event.response!;
    expect(conformance!.clientEvent({ ...event, response: rest })).toEqual([]);
  });

  it.skipIf(!conformance)('the schema check can fail (beta-shaped session.update is rejected)', () => {
    const beta = { type: 'session.update', session: { type: 'realtime', audio: { input: { format: 'g711_ulaw' } } } };
    expect(conformance!.clientEvent(beta)).not.toEqual([]);
    expect(conformance!.clientEvent({ type: 'conversation.item.truncate', item_id: 'x' })).not.toEqual([]);
  });
});
