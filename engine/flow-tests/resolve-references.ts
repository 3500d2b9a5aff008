/**
 * `{{name.path}}` references in a case: a setup step's result in `context`,
 * `parameters` and later setup steps (`{{visit.bookingId}}`), a tool's latest
 * result as the model received it in model actions
 * (`{{find_times.slots.0.start}}`). Text that is one whole reference takes the
 * referred value as it is (a number stays a number); references inside longer
 * text are replaced by their text.
 */

const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

/** The value with its references replaced, and the references nothing answered. */
export interface Resolved<T> {
  value: T;
  missing: string[];
}

/** Replaces references throughout a value; `lookup` answers a dotted path, undefined when unknown. */
export function resolveReferences<T>(value: T, lookup: (path: string) => unknown): Resolved<T> {
  const missing: string[] = [];
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE.exec(node);
      if (whole) {
        const found = lookup(whole[1]!);
        if (found === undefined) missing.push(whole[1]!);
        return found === undefined ? node : found;
      }
      return node.replace(REFERENCE, (text, path: string) => {
        const found = lookup(path);
        if (found === undefined) {
          missing.push(path);
          return text;
        }
        return typeof found === 'string' ? found : JSON.stringify(found);
      });
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
    return node;
  };
  return { value: walk(value) as T, missing };
}

/** Whether a value holds any reference. */
export function hasReferences(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('{{');
}
