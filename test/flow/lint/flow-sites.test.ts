/**
 * The linter finds every expression and template where the schema allows one:
 * when the schema gains a Template or Expression field, this test fails until
 * flow-sites.ts (and this list) learn it.
 */
import { describe, expect, it } from 'vitest';
import { buildFlowModel } from '../../../engine/flow/flow-model.js';
import { collectFlowSites } from '../../../engine/flow/lint/flow-sites.js';
import type { Flow } from '../../../engine/types/flow.generated.js';
import flowSchema from '../../../schemas/flow.schema.json' with { type: 'json' };

type Schema = Record<string, any>;

/** `Def.field` (or `Def.field.*` for maps) for every place the schema puts a Template or an Expression. */
function schemaTextFields(): string[] {
  const found: string[] = [];
  const kind = (node: Schema | undefined) => (node?.$ref === '#/$defs/Template' || node?.$ref === '#/$defs/Expression' ? node.$ref.slice(8) : undefined);
  for (const [name, def] of Object.entries(flowSchema.$defs as Record<string, Schema>)) {
    for (const [field, node] of Object.entries((def.properties ?? {}) as Record<string, Schema>)) {
      if (kind(node)) found.push(`${name}.${field}`);
      if (kind(node.additionalProperties)) found.push(`${name}.${field}.*`);
    }
  }
  return found.sort();
}

/** Each schema place, and the pointer where the flow below writes one. */
const EXAMPLES: Record<string, string> = {
  'Agent.instructions': '/agent/instructions',
  'ToolBinding.with.*': '/tools/find/with/day',
  'ToolBinding.assign.*': '/tools/find/assign/slots',
  'ToolBinding.filler': '/tools/find/filler',
  'RunAction.args.*': '/onStart/0/args/day',
  'SetAction.set.*': '/onStart/1/set/attempts',
  'Stage.guidance': '/stages/a/guidance',
  'Stage.say': '/stages/b/say',
  'Transition.when': '/stages/a/next/0/when',
  'Transition.set.*': '/stages/a/next/0/set/done',
  'TransferTarget.to': '/stages/b/transfer/to',
  'TransferTarget.callerId': '/stages/b/transfer/callerId',
  'Outcome.map.*': '/outcome/map/ok',
};

const flow = {
  id: 'sites',
  name: 'Sites',
  agent: { instructions: 'Hi {{x}}' },
  tools: { find: { use: 'calendar.findSlots', with: { day: '"mon"' }, assign: { slots: '$result.slots' }, filler: 'Wait {{x}}' } },
  onStart: [{ run: 'find', args: { day: '"tue"' } }, { set: { attempts: '0' } }],
  initial: 'a',
  stages: {
    a: { guidance: 'G', next: [{ to: 'b', when: 'true', set: { done: 'true' } }] },
    b: { type: 'transfer', say: 'Bye', transfer: { to: '+15125550199', callerId: '{{call.to}}' } },
  },
  outcome: { schema: { type: 'object' }, map: { ok: 'true' } },
} as Flow;

describe('collectFlowSites', () => {
  it('knows every place the schema allows an expression or a template', () => {
    expect(schemaTextFields()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it('finds an expression or template at each of them', () => {
    const sites = collectFlowSites(flow, buildFlowModel(flow));
    const pointers = new Set([...sites.expressions, ...sites.templates].map((site) => site.pointer));
    for (const [place, pointer] of Object.entries(EXAMPLES)) expect(pointers.has(pointer), `${place} at ${pointer}`).toBe(true);
  });
});
