/**
 * What of a connector result the model may see. The runtime calls this where a
 * tool result becomes a `function_call_output`; the full result still goes to
 * `assign` and the call record.
 *
 * - With `expose` (the binding's list): exactly those top-level fields, PII or
 *   not — naming a field is the flow designer's explicit decision.
 * - Without it: the whole result minus the operation's PII fields.
 */
import type { CatalogOperation } from './catalog.js';

/** The result as the model may see it. Non-object results pass through unless PII rules apply to them. */
export function redactForModel(result: unknown, operation: Pick<CatalogOperation, 'pii'> | undefined, expose?: readonly string[]): unknown {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  const record = result as Record<string, unknown>;
  if (expose) {
    const out: Record<string, unknown> = {};
    for (const field of expose) if (Object.hasOwn(record, field)) out[field] = record[field];
    return out;
  }
  const pii = new Set(operation?.pii ?? []);
  if (pii.size === 0) return result;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) if (!pii.has(field)) out[field] = value;
  return out;
}
