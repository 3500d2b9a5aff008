/**
 * The fake realtime server's session: the GA session object it reports in
 * `session.created` / `session.updated`, the defaults a new session starts
 * with, and `session.update` applied the way the API applies it (validated
 * strictly, all or nothing, partial updates merged, voice locked once the
 * assistant has spoken).
 */
import type { AudioEncoding } from '../audio/audio-format.js';
import { type ApiError, type Rule, isObject, missingParameter, v } from './api-validation.js';
import type { VadSettings } from './server-vad.js';

/** The session object as the fake holds it and sends it (GA `RealtimeSessionCreateResponse` shape). */
export interface FakeSessionObject {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: Array<'audio' | 'text'>;
  instructions: string;
  tools: Array<Record<string, unknown>>;
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  truncation: unknown;
  expires_at: number;
  audio: {
    input: {
      format: { type: AudioEncoding; rate?: number };
      transcription?: Record<string, unknown>;
      noise_reduction?: Record<string, unknown>;
      turn_detection: Record<string, unknown> | null;
    };
    output: { format: { type: AudioEncoding; rate?: number }; voice: string | { id: string }; speed: number };
  };
  [field: string]: unknown;
}

/** How long a realtime session lives, as `expires_at` reports it. */
export const SESSION_LIFETIME_S = 60 * 60;
/** The API's default instructions (its opening, anyway). */
export const DEFAULT_INSTRUCTIONS = 'Your knowledge cutoff is 2023-10. You are a helpful, witty, and friendly AI.';

const SERVER_VAD_DEFAULTS = { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true };
const SEMANTIC_VAD_DEFAULTS = { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true };
// Semantic VAD is a model of "sounds finished"; the fake waits a silence that shrinks with eagerness.
const SEMANTIC_SILENCE_MS: Record<string, number> = { low: 1200, medium: 600, auto: 600, high: 300 };

/** A new session as `session.created` reports it: 24 kHz PCM both ways, server VAD, voice `alloy`. */
export function defaultSession(id: string, model: string, nowS: number): FakeSessionObject {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    expires_at: nowS + SESSION_LIFETIME_S,
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { ...SERVER_VAD_DEFAULTS } },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  };
}

const typeField = v.string();
const format = v.byType({
  'audio/pcm': v.object({ type: typeField, rate: v.oneOf([24000]) }),
  'audio/pcmu': v.object({ type: typeField }),
  'audio/pcma': v.object({ type: typeField }),
});
const turnDetection = v.nullable(
  v.byType({
    server_vad: v.object({
      type: typeField,
      threshold: v.number({ min: 0, max: 1 }),
      prefix_padding_ms: v.number({ integer: true, min: 0 }),
      silence_duration_ms: v.number({ integer: true, min: 0 }),
      create_response: v.boolean(),
      interrupt_response: v.boolean(),
      idle_timeout_ms: v.nullable(v.number({ integer: true, min: 5000, max: 30000 })),
    }),
    semantic_vad: v.object({ type: typeField, eagerness: v.oneOf(['low', 'medium', 'high', 'auto']), create_response: v.boolean(), interrupt_response: v.boolean() }),
  }),
);
const transcription = v.nullable(
  v.object({
    model: v.string(),
    language: v.string(),
    languages: v.array(v.string(), { min: 1 }),
    prompt: v.string(),
    keywords: v.array(v.string()),
    delay: v.oneOf(['minimal', 'low', 'medium', 'high', 'xhigh']),
  }),
);
const mcpTool: Rule = (value, path) => (isObject(value) && typeof value.server_label === 'string' ? undefined : missingParameter(`${path}.server_label`));
const tool = v.byType(
  {
    function: v.object(
      { type: typeField, name: v.pattern(/^[a-zA-Z0-9_-]{1,64}$/, '^[a-zA-Z0-9_-]{1,64}$'), description: v.string(), parameters: v.anyObject() },
      ['name'],
    ),
    mcp: mcpTool,
  },
  { defaultType: 'function' },
);
const toolChoice = v.either(
  {
    string: v.oneOf(['none', 'auto', 'required']),
    object: v.byType({
      function: v.object({ type: typeField, name: v.string() }, ['name']),
      mcp: v.object({ type: typeField, server_label: v.string(), name: v.string() }, ['server_label']),
    }),
  },
  'a string',
);

/** What `session.update`'s `session` may hold (GA `RealtimeSessionCreateRequest`), unknown fields refused. */
const SESSION_RULE: Rule = v.object(
  {
    type: v.oneOf(['realtime']),
    model: v.string(),
    instructions: v.string(),
    output_modalities: v.array(v.oneOf(['text', 'audio']), { min: 1, max: 1 }),
    audio: v.object({
      input: v.object({ format, transcription, noise_reduction: v.nullable(v.object({ type: v.oneOf(['near_field', 'far_field']) })), turn_detection: turnDetection }),
      output: v.object({ format, voice: v.either({ string: v.string(), object: v.object({ id: v.string() }, ['id']) }, 'a string'), speed: v.number({ min: 0.25, max: 1.5 }) }),
    }),
    include: v.nullable(v.array(v.oneOf(['item.input_audio_transcription.logprobs']))),
    tracing: v.nullable(v.either({ string: v.oneOf(['auto']), object: v.object({ workflow_name: v.string(), group_id: v.string(), metadata: v.anyObject() }) }, 'a string')),
    tools: v.array(tool, { max: 128 }),
    tool_choice: toolChoice,
    parallel_tool_calls: v.boolean(),
    max_output_tokens: v.either({ integer: v.number({ integer: true, min: 1, max: 4096 }), string: v.oneOf(['inf']) }, 'an integer'),
    truncation: v.either(
      {
        string: v.oneOf(['auto', 'disabled']),
        object: v.object({ type: v.oneOf(['retention_ratio']), retention_ratio: v.number({ min: 0, max: 1 }), token_limits: v.object({ post_instructions: v.number({ integer: true, min: 0 }) }) }, ['type', 'retention_ratio']),
      },
      'a string',
    ),
    prompt: v.nullable(v.object({ id: v.string(), version: v.string(), variables: v.anyObject() }, ['id'])),
    reasoning: v.object({ effort: v.oneOf(['minimal', 'low', 'medium', 'high', 'xhigh']) }),
  },
  ['type'],
);

/** What `applySessionUpdate` returns: the new session, or the error the API would send (the session unchanged). */
export type SessionUpdateResult = { ok: true; session: FakeSessionObject } | { ok: false; error: ApiError };

/**
 * Validates and applies a `session.update`'s `session`. Fields present replace
 * the current ones (`audio.input` / `audio.output` merge field by field; a
 * `turn_detection` gets the API's defaults for what it leaves out); `null`
 * turns transcription or noise reduction off.
 */
export function applySessionUpdate(current: FakeSessionObject, update: unknown, context: { assistantAudioPresent: boolean }): SessionUpdateResult {
  const found = SESSION_RULE(update, 'session');
  if (found) return { ok: false, error: found };
  const patch = update as Record<string, unknown> & { audio?: { input?: Record<string, unknown>; output?: Record<string, unknown> } };
  if (context.assistantAudioPresent && patch.audio?.output?.voice !== undefined) {
    return { ok: false, error: { type: 'invalid_request_error', code: 'cannot_update_voice', message: "Cannot update a conversation's voice if assistant audio is present.", param: null } };
  }
  const next = structuredClone(current);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'audio') continue;
    next[key] = key === 'tools' ? (value as Array<Record<string, unknown>>).map((t) => ({ type: 'function', ...t })) : structuredClone(value);
  }
  for (const [key, value] of Object.entries(patch.audio?.input ?? {})) {
    const input = next.audio.input as Record<string, unknown>;
    if (value === null && key !== 'turn_detection') delete input[key];
    else if (key === 'turn_detection' && isObject(value)) input[key] = { ...(value.type === 'semantic_vad' ? SEMANTIC_VAD_DEFAULTS : SERVER_VAD_DEFAULTS), ...value };
    else input[key] = structuredClone(value);
  }
  for (const [key, value] of Object.entries(patch.audio?.output ?? {})) (next.audio.output as Record<string, unknown>)[key] = structuredClone(value);
  return { ok: true, session: next };
}

/** Turn detection as the fake's VAD runs it, or null when it is off. */
export function vadSettingsOf(session: FakeSessionObject): (VadSettings & { createResponse: boolean; interruptResponse: boolean }) | null {
  const turn = session.audio.input.turn_detection;
  if (turn === null) return null;
  const createResponse = turn.create_response !== false;
  const interruptResponse = turn.interrupt_response !== false;
  if (turn.type === 'semantic_vad') {
    return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: SEMANTIC_SILENCE_MS[String(turn.eagerness)] ?? 600, createResponse, interruptResponse };
  }
  return {
    threshold: typeof turn.threshold === 'number' ? turn.threshold : 0.5,
    prefixPaddingMs: typeof turn.prefix_padding_ms === 'number' ? turn.prefix_padding_ms : 300,
    silenceDurationMs: typeof turn.silence_duration_ms === 'number' ? turn.silence_duration_ms : 500,
    createResponse,
    interruptResponse,
  };
}

/** The voice as a plain string (a custom voice's id). */
export function voiceOf(session: FakeSessionObject): string {
  const voice = session.audio.output.voice;
  return typeof voice === 'string' ? voice : voice.id;
}
