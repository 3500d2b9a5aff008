/**
 * docs/flow-language.md stays true to the schema and the linter.
 *
 * Convention: every object of the flow schema (the root as `Flow`, each
 * `$defs` entry with fields, objects nested in a field as `Parent.field`) has a
 * `### \`Name\`` heading followed by a table whose first column holds each
 * field's name in backticks; definitions without fields are rows of the
 * "Value types" table.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FLOW_ERRORS } from '../../engine/errors/flow-errors.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';
import { FLOW_LANGUAGE_DOC, renderFlowLanguageDoc } from '../../scripts/generate-flow-docs.js';
import flowSchema from '../../schemas/flow.schema.json' with { type: 'json' };

type Schema = Record<string, any>;
const doc = readFileSync(FLOW_LANGUAGE_DOC, 'utf8');

/** Objects with fields, read straight from the schema (not through the generator). */
function schemaFields(): Map<string, string[]> {
  const objects = new Map<string, string[]>();
  const visit = (name: string, node: Schema) => {
    objects.set(name, Object.keys(node.properties));
    for (const [field, sub] of Object.entries(node.properties as Record<string, Schema>)) if (sub.properties) visit(`${name}.${field}`, sub);
  };
  visit('Flow', flowSchema);
  for (const [name, def] of Object.entries(flowSchema.$defs as Record<string, Schema>)) if (def.properties) visit(name, def);
  return objects;
}

/** `### \`Name\`` headings and the first-column names of the table under each. */
function documentedFields(): Map<string, string[]> {
  const documented = new Map<string, string[]>();
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^### `([^`]+)`\s*$/.exec(lines[i]!);
    if (!heading) continue;
    const fields: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith('|') && !lines[j]!.startsWith('#')) j++;
    for (; j < lines.length && lines[j]!.startsWith('|'); j++) {
      const field = /^\|\s*`([^`]+)`\s*\|/.exec(lines[j]!);
      if (field) fields.push(field[1]!);
    }
    documented.set(heading[1]!, fields);
  }
  return documented;
}

describe('docs/flow-language.md', () => {
  it('has its generated parts up to date (run `npm run gen:flow-docs`)', () => {
    expect(renderFlowLanguageDoc(doc)).toBe(doc);
  });

  it('documents every field of every schema object, and no field the schema lacks', () => {
    const expected = schemaFields();
    const documented = documentedFields();
    expect([...documented.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, fields] of expected) expect(documented.get(name), name).toEqual(fields);
  });

  it('lists every definition without fields as a value type', () => {
    const valueTypes = Object.entries(flowSchema.$defs as Record<string, Schema>).filter(([, def]) => !def.properties).map(([name]) => name);
    const section = doc.slice(doc.indexOf('### Value types'));
    const rows = [...section.matchAll(/^\| <a id="[^"]+"><\/a>`([^`]+)` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(valueTypes.sort());
  });

  it('lists every lint code with its severity', () => {
    for (const [code, def] of Object.entries(FLOW_ERRORS)) expect(doc).toContain(`| \`${code}\` | ${def.severity} |`);
  });

  it('shows YAML examples that parse, and a first flow that lints clean', () => {
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThan(8);
    for (const block of blocks) expect(() => parse(block), block.slice(0, 60)).not.toThrow();
    const first = parse(blocks[0]!);
    expect(lintFlow(first).findings).toEqual([]);
  });
});
