/**
 * What the model gets back from a function call (`tool.output`). A tool's
 * result goes back with only the fields its binding `expose`s (by default all
 * but the fields the connector marks as personal data); a failure goes back as
 * the binding's `fallback`, never as the connector's own error text.
 */
import type { CompiledBinding } from '../flow/compiled-flow.js';
import { isPlainObject } from './context-values.js';

export type ToolOutput = { status: 'ok'; result?: unknown } | { status: 'error'; message: string } | { status: 'ignored'; message: string };

/** `pii`: the operation's personal-data fields (the catalog's, by default the one the flow was compiled with). */
export function toolResultOutput(binding: CompiledBinding, result: unknown, pii: readonly string[] = binding.pii): ToolOutput {
  if (!isPlainObject(result)) return { status: 'ok', result };
  const keys = binding.expose ?? Object.keys(result).filter((key) => !pii.includes(key));
  const exposed: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(result, key)) exposed[key] = result[key];
  return { status: 'ok', result: exposed };
}

export function toolErrorOutput(binding: CompiledBinding): ToolOutput {
  return { status: 'error', message: binding.fallback };
}

/** A refused call: what the model should do instead. */
export function refusalOutput(message: string): ToolOutput {
  return { status: 'error', message };
}

/** The intent the model took was applied. */
export const INTENT_TAKEN: ToolOutput = { status: 'ok' };

/** Another call of the same response moved the conversation first. */
export const INTENT_IGNORED: ToolOutput = { status: 'ignored', message: 'Another step was taken first; continue from there.' };
