/**
 * One realistic GA event of every type Parley handles, shaped as the OpenAI
 * Realtime API sends them (checked against the official schema in
 * `realtime-parsers.test.ts` when the conformance file is present).
 */
const format = { type: 'audio/pcmu' };
const session = {
  type: 'realtime',
  object: 'realtime.session',
  id: 'sess_C9Gx2mYq1o0bQ7',
  model: 'gpt-realtime',
  output_modalities: ['audio'],
  instructions: 'You are Sophia, calling from Jefferson Dental.',
  tools: [{ type: 'function', name: 'go_scheduling', description: 'The caller is the parent and is open to scheduling.', parameters: { type: 'object', properties: { parentName: { type: 'string' } } } }],
  tool_choice: 'auto',
  max_output_tokens: 'inf',
  tracing: null,
  truncation: 'auto',
  expires_at: 1767628800,
  audio: {
    input: { format, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true } },
    output: { format, voice: 'marin', speed: 1 },
  },
};
const assistantItem = { id: 'item_A1', object: 'realtime.item', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Hi, this is Sophia.' }] };
const userItem = { id: 'item_U1', object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio' }] };
const callItem = { id: 'item_F1', object: 'realtime.item', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'go_scheduling', arguments: '{"parentName":"Maria"}' };
const response = { object: 'realtime.response', id: 'resp_1', status: 'completed', output: [assistantItem], conversation_id: 'conv_1', output_modalities: ['audio'], max_output_tokens: 'inf', audio: { output: { format, voice: 'marin' } }, usage: { total_tokens: 40, input_tokens: 30, output_tokens: 10, input_token_details: { cached_tokens: 0, text_tokens: 30, audio_tokens: 0 }, output_token_details: { text_tokens: 4, audio_tokens: 6 } } };
const part = { response_id: 'resp_1', item_id: 'item_A1', output_index: 0, content_index: 0 };

export const SERVER_EVENT_SAMPLES: Record<string, Record<string, unknown>> = {
  'session.created': { event_id: 'event_1', type: 'session.created', session },
  'session.updated': { event_id: 'event_2', type: 'session.updated', session },
  error: { event_id: 'event_3', type: 'error', error: { type: 'invalid_request_error', code: 'cannot_update_voice', message: "Cannot update a conversation's voice if assistant audio is present.", param: null, event_id: null } },
  'conversation.item.added': { event_id: 'event_4', type: 'conversation.item.added', previous_item_id: null, item: userItem },
  'conversation.item.done': { event_id: 'event_5', type: 'conversation.item.done', previous_item_id: null, item: userItem },
  'conversation.item.created': { event_id: 'event_6', type: 'conversation.item.created', previous_item_id: 'item_U1', item: assistantItem },
  'conversation.item.retrieved': { event_id: 'event_7', type: 'conversation.item.retrieved', item: callItem },
  'conversation.item.truncated': { event_id: 'event_8', type: 'conversation.item.truncated', item_id: 'item_A1', content_index: 0, audio_end_ms: 1500 },
  'conversation.item.deleted': { event_id: 'event_9', type: 'conversation.item.deleted', item_id: 'item_A1' },
  'input_audio_buffer.speech_started': { event_id: 'event_10', type: 'input_audio_buffer.speech_started', audio_start_ms: 1000, item_id: 'item_U1' },
  'input_audio_buffer.speech_stopped': { event_id: 'event_11', type: 'input_audio_buffer.speech_stopped', audio_end_ms: 2000, item_id: 'item_U1' },
  'input_audio_buffer.committed': { event_id: 'event_12', type: 'input_audio_buffer.committed', previous_item_id: null, item_id: 'item_U1' },
  'input_audio_buffer.cleared': { event_id: 'event_13', type: 'input_audio_buffer.cleared' },
  'conversation.item.input_audio_transcription.delta': { event_id: 'event_14', type: 'conversation.item.input_audio_transcription.delta', item_id: 'item_U1', content_index: 0, delta: 'Yes, ' },
  'conversation.item.input_audio_transcription.completed': { event_id: 'event_15', type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_U1', content_index: 0, transcript: 'Yes, this is Maria.', usage: { type: 'duration', seconds: 1.2 } },
  'conversation.item.input_audio_transcription.failed': { event_id: 'event_16', type: 'conversation.item.input_audio_transcription.failed', item_id: 'item_U1', content_index: 0, error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'The audio could not be transcribed.' } },
  'response.created': { event_id: 'event_17', type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
  'response.done': { event_id: 'event_18', type: 'response.done', response },
  'response.output_item.added': { event_id: 'event_19', type: 'response.output_item.added', response_id: 'resp_1', output_index: 0, item: { ...assistantItem, status: 'in_progress', content: [] } },
  'response.output_item.done': { event_id: 'event_20', type: 'response.output_item.done', response_id: 'resp_1', output_index: 0, item: assistantItem },
  'response.content_part.added': { event_id: 'event_21', type: 'response.content_part.added', ...part, part: { type: 'audio', transcript: '' } },
  'response.content_part.done': { event_id: 'event_22', type: 'response.content_part.done', ...part, part: { type: 'audio', transcript: 'Hi, this is Sophia.' } },
  'response.output_audio.delta': { event_id: 'event_23', type: 'response.output_audio.delta', ...part, delta: '/////w==' },
  'response.output_audio.done': { event_id: 'event_24', type: 'response.output_audio.done', ...part },
  'response.output_audio_transcript.delta': { event_id: 'event_25', type: 'response.output_audio_transcript.delta', ...part, delta: 'Hi, ' },
  'response.output_audio_transcript.done': { event_id: 'event_26', type: 'response.output_audio_transcript.done', ...part, transcript: 'Hi, this is Sophia.' },
  'response.output_text.delta': { event_id: 'event_27', type: 'response.output_text.delta', ...part, delta: 'Hi' },
  'response.output_text.done': { event_id: 'event_28', type: 'response.output_text.done', ...part, text: 'Hi there' },
  'response.function_call_arguments.delta': { event_id: 'event_29', type: 'response.function_call_arguments.delta', response_id: 'resp_1', item_id: 'item_F1', output_index: 1, call_id: 'call_1', delta: '{"parent' },
  'response.function_call_arguments.done': { event_id: 'event_30', type: 'response.function_call_arguments.done', response_id: 'resp_1', item_id: 'item_F1', output_index: 1, call_id: 'call_1', name: 'go_scheduling', arguments: '{"parentName":"Maria"}' },
  'rate_limits.updated': { event_id: 'event_31', type: 'rate_limits.updated', rate_limits: [{ name: 'requests', limit: 1000, remaining: 999, reset_seconds: 0.06 }, { name: 'tokens', limit: 50000, remaining: 49000, reset_seconds: 1.2 }] },
};

export const CLIENT_EVENT_SAMPLES: Record<string, Record<string, unknown>> = {
  'session.update': { type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.', audio: { input: { format }, output: { format, voice: 'marin' } } } },
  'input_audio_buffer.append': { type: 'input_audio_buffer.append', audio: '/////w==' },
  'input_audio_buffer.commit': { type: 'input_audio_buffer.commit' },
  'input_audio_buffer.clear': { type: 'input_audio_buffer.clear', event_id: 'evt_clear' },
  'conversation.item.create': { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } },
  'conversation.item.truncate': { type: 'conversation.item.truncate', item_id: 'item_A1', content_index: 0, audio_end_ms: 1500 },
  'conversation.item.delete': { type: 'conversation.item.delete', item_id: 'item_A1' },
  'conversation.item.retrieve': { type: 'conversation.item.retrieve', item_id: 'item_A1' },
  'response.create': { type: 'response.create', response: { instructions: 'Greet the caller.' } },
  'response.cancel': { type: 'response.cancel' },
};
