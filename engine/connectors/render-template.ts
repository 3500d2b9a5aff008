/**
 * `{{variable}}` substitution for connector templates (SMS bodies, HTTP URLs,
 * headers and bodies). Deliberately not Handlebars: no helpers, no blocks, no
 * code. Paths walk own properties only — `__proto__`, `constructor` and
 * `prototype` are refused — so a template can never reach an object's
 * prototype or anything beyond the variables it was given.
 */

/** `{{ name }}` or `{{ a.b.0 }}`: letters, digits, `_`, `-`, dots. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}/g;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a template could not be rendered. */
export class TemplateError extends Error {
  /** The variable path involved, when there is one. */
  readonly variable: string | undefined;
  constructor(message: string, variable?: string) {
    super(message);
    this.name = 'TemplateError';
    this.variable = variable;
  }
}

/** Looks a dotted path up through own properties only; undefined when absent. */
export function lookupPath(variables: unknown, dotted: string): unknown {
  let current: unknown = variables;
  for (const segment of dotted.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new TemplateError(`template variable "${dotted}" uses the forbidden name "${segment}"`, dotted);
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The variable paths a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** True when the whole string is one placeholder, e.g. `"{{count}}"`: such a JSON leaf keeps the variable's type. */
export function singlePlaceholder(template: string): string | undefined {
  const m = /^\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}$/.exec(template);
  return m?.[1];
}

export interface RenderOptions {
  /** Turns each value into text (e.g. `encodeURIComponent` for URL parts). Default: `String`, objects as JSON. */
  encode?: (text: string) => string;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Renders a template; a placeholder whose variable is missing (or null) is an error, not an empty string. */
export function renderTemplate(template: string, variables: Record<string, unknown>, options: RenderOptions = {}): string {
  const encode = options.encode ?? ((s: string) => s);
  if (template.replace(PLACEHOLDER, '').includes('{{')) {
    throw new TemplateError('template has a "{{" that is not a valid {{variable}} placeholder (letters, digits, _, - and dots)');
  }
  return template.replace(PLACEHOLDER, (_match, dotted: string) => {
    const value = lookupPath(variables, dotted);
    if (value === undefined || value === null) throw new TemplateError(`template variable "${dotted}" was not given`, dotted);
    return encode(toText(value));
  });
}
