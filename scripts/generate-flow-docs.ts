/**
 * Writes the generated parts of `docs/flow-language.md`: the field reference
 * (from schemas/flow.schema.json) and the lint codes (from the error
 * catalogue). The guide around them is written by hand; each generated part
 * sits between `<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->`.
 *
 *   npm run gen:flow-docs            rewrite the generated parts
 *   npm run gen:flow-docs -- --check exit 1 when they are out of date
 *
 * Convention (checked by test/docs/flow-language-doc.test.ts): every object
 * of the schema has a `### \`Name\`` heading followed by a table whose first
 * column is each field's name in backticks.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLOW_ERRORS } from '../engine/errors/flow-errors.js';
import flowSchema from '../schemas/flow.schema.json' with { type: 'json' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FLOW_LANGUAGE_DOC = path.join(root, 'docs', 'flow-language.md');

type Schema = Record<string, unknown>;
const schema = flowSchema as unknown as Schema & { $defs: Record<string, Schema>; properties: Record<string, Schema> };

/** An object of the schema that has fields: the root, a `$defs` entry, or an object nested in a field (`Agent.transcription`). */
export interface SchemaObject {
  name: string;
  schema: Schema;
}

/** Every object with `properties`, in reading order: the root, then `$defs` (nested objects right after their parent). */
export function schemaObjects(): SchemaObject[] {
  const objects: SchemaObject[] = [];
  const visit = (name: string, node: Schema) => {
    objects.push({ name, schema: node });
    for (const [field, sub] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
      if (sub.type === 'object' && sub.properties) visit(`${name}.${field}`, sub);
    }
  };
  visit('Flow', schema);
  for (const [name, def] of Object.entries(schema.$defs)) if (def.properties) visit(name, def);
  return objects;
}

/** Definitions without fields of their own (names, text kinds, choices): documented as value types. */
export function valueTypes(): Array<[string, Schema]> {
  return Object.entries(schema.$defs).filter(([, def]) => !def.properties);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped (`Agent.transcription` → `agenttranscription`). */
const anchor = (name: string) => name.toLowerCase().replace(/[^\w\- ]/g, '').replaceAll(' ', '-');
const refName = (ref: unknown) => (typeof ref === 'string' ? ref.replace('#/$defs/', '') : undefined);
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The type of a field, in words, with links to other objects. */
function typeOf(node: Schema, owner: string, field: string): string {
  const ref = refName(node.$ref);
  if (ref) return `[${ref}](#${anchor(ref)})`;
  if (Array.isArray(node.enum)) return node.enum.map((value) => `\`${String(value)}\``).join(' | ');
  if (Array.isArray(node.oneOf)) return (node.oneOf as Schema[]).map((branch) => typeOf(branch, owner, field)).join(' or ');
  switch (node.type) {
    case 'array':
      return `list of ${typeOf((node.items ?? {}) as Schema, owner, field)}`;
    case 'object': {
      if (node.properties) return `[${owner}.${field}](#${anchor(`${owner}.${field}`)})`;
      const values = node.additionalProperties;
      if (values && typeof values === 'object') {
        const names = refName((node.propertyNames as Schema | undefined)?.$ref) ?? 'name';
        return `map of ${names} → ${typeOf(values as Schema, owner, field)}`;
      }
      return 'mapping';
    }
    case 'string':
      return node.pattern ? `text (\`${String(node.pattern)}\`)` : 'text';
    case 'integer':
      return 'whole number';
    case 'number':
      return 'number';
    case 'boolean':
      return '`true` / `false`';
    default:
      return 'value';
  }
}

/** Limits and defaults: `1–5`, `default 2`. */
function constraints(node: Schema, required: boolean): string {
  const parts: string[] = [];
  if (required) parts.push('**required**');
  if (node.minimum !== undefined && node.maximum !== undefined) parts.push(`${String(node.minimum)}–${String(node.maximum)}`);
  else if (node.minimum !== undefined) parts.push(`≥ ${String(node.minimum)}`);
  if (node.default !== undefined) parts.push(`default \`${JSON.stringify(node.default).replace(/^"|"$/g, '')}\``);
  return parts.join(', ');
}

/** The field reference: one table per object, then the value types. */
export function renderReference(): string {
  const lines: string[] = [];
  for (const { name, schema: object } of schemaObjects()) {
    lines.push(`### \`${name}\``, '');
    if (typeof object.description === 'string') lines.push(object.description, '');
    lines.push('| Field | Type | | Description |', '| --- | --- | --- | --- |');
    const required = new Set((object.required ?? []) as string[]);
    for (const [field, node] of Object.entries(object.properties as Record<string, Schema>)) {
      // A field's own description wins over its type's.
      const description = (node.description ?? schema.$defs[refName(node.$ref) ?? '']?.description ?? '') as string;
      lines.push(`| \`${field}\` | ${cell(typeOf(node, name, field))} | ${cell(constraints(node, required.has(field)))} | ${cell(description)} |`);
    }
    lines.push('');
  }
  lines.push('### Value types', '', 'Kinds of value that several fields share.', '', '| Type | What it is |', '| --- | --- |');
  for (const [name, def] of valueTypes()) {
    // Choices between other objects are linked; inline choices are already explained by the description.
    const refs = Array.isArray(def.oneOf) ? (def.oneOf as Schema[]).map((branch) => refName(branch.$ref)).filter((ref): ref is string => ref !== undefined) : [];
    const kinds = refs.length ? ` One of: ${refs.map((ref) => `[${ref}](#${anchor(ref)})`).join(', ')}.` : '';
    lines.push(`| <a id="${anchor(name)}"></a>\`${name}\` | ${cell(`${String(def.description ?? '')}${kinds}`)} |`);
  }
  return lines.join('\n');
}

/** The lint codes with their severities, from the error catalogue. */
export function renderLintCodes(): string {
  const lines = ['| Code | Severity | Meaning | Fix |', '| --- | --- | --- | --- |'];
  for (const [code, def] of Object.entries(FLOW_ERRORS)) lines.push(`| \`${code}\` | ${def.severity} | ${cell(def.meaning)} | ${cell(def.fix)} |`);
  return lines.join('\n');
}

export const GENERATED_PARTS: Record<string, () => string> = {
  reference: renderReference,
  'lint-codes': renderLintCodes,
};

/** The document with every generated part replaced by a fresh rendering. */
export function renderFlowLanguageDoc(current: string): string {
  let text = current;
  for (const [name, render] of Object.entries(GENERATED_PARTS)) {
    const begin = `<!-- BEGIN GENERATED: ${name} (scripts/generate-flow-docs.ts; do not edit by hand) -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/flow-language.md lacks the markers for "${name}": ${begin} … ${end}`);
    text = `${text.slice(0, from + begin.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}

async function main(): Promise<void> {
  const current = await readFile(FLOW_LANGUAGE_DOC, 'utf8');
  const text = renderFlowLanguageDoc(current);
  if (text === current) return;
  if (process.argv.includes('--check')) {
    console.error('docs/flow-language.md is out of date with the flow schema or the error catalogue: run `npm run gen:flow-docs`');
    process.exitCode = 1;
    return;
  }
  await writeFile(FLOW_LANGUAGE_DOC, text);
  console.log('wrote docs/flow-language.md');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
