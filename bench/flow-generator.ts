/**
 * A realistic flow of any size, for benchmarks: groups of stages with
 * guidance templates, intents that collect values, `when` conditions, tools
 * with `with`/`assign`, onEnter actions, globals and a context schema — and
 * the small connector catalog its tools use. `seed` varies the text, so each
 * flow parses fresh.
 */
import type { ConnectorCatalog } from '../engine/connectors/catalog.js';

const GROUP_SIZE = 10;

/** A test catalog with the operations the generated tools use. */
export const catalog: ConnectorCatalog = {
  calendar: {
    name: 'calendar', version: '1.0.0', description: 'Calendar', configured: true, source: 'bench',
    operations: {
      findSlots: {
        description: 'Find slots', idempotent: true,
        input: { type: 'object', properties: { day: { type: 'string' }, seats: { type: 'integer' } }, required: ['day'], additionalProperties: false },
        output: { type: 'object', properties: { slots: { type: 'array' }, timezone: { type: 'string' } }, additionalProperties: false },
      },
      book: {
        description: 'Book', idempotent: false,
        input: { type: 'object', properties: { start: { type: 'string' }, name: { type: 'string' } }, required: ['start'], additionalProperties: false },
        output: { type: 'object', properties: { bookingId: { type: 'string' } }, additionalProperties: false },
      },
    },
  },
};

/** A flow of `stages` stages (groups of GROUP_SIZE), its text varied by `seed`. */
export function generateFlow(stages: number, seed: number): Record<string, unknown> {
  const groups = Math.max(1, Math.floor(stages / (GROUP_SIZE + 1)));
  const stageMap: Record<string, unknown> = {};
  const tools: Record<string, unknown> = {};
  const properties: Record<string, unknown> = { org: { type: 'object', properties: { name: { type: 'string' } } }, attempts: { type: 'integer' }, vip: { type: 'boolean' } };
  let count = 0;
  for (let g = 0; g < groups && count < stages; g++) {
    const group = `group${g}`;
    const nextGroup = g + 1 < groups ? `group${g + 1}` : 'closing';
    tools[`find${g}`] = { use: 'calendar.findSlots', with: { day: `day${g}`, seats: `$count(party${g})` }, assign: { [`slots${g}`]: '$result.slots' }, filler: `One moment (${seed}).` };
    tools[`book${g}`] = { use: 'calendar.book', with: { start: `start${g}` }, assign: { [`booking${g}`]: '$result.bookingId' } };
    Object.assign(properties, {
      [`day${g}`]: { type: 'string' }, [`party${g}`]: { type: 'array' }, [`slots${g}`]: { type: 'array' },
      [`start${g}`]: { type: 'string' }, [`booking${g}`]: { type: 'string' }, [`note${g}`]: { type: 'string' },
    });
    const children: Record<string, unknown> = {};
    count++; // the group itself
    for (let s = 0; s < GROUP_SIZE && count < stages; s++, count++) {
      const name = `g${g}s${s}`;
      const next = s + 1 < GROUP_SIZE && count + 1 < stages ? `g${g}s${s + 1}` : nextGroup;
      const kind = s % 5;
      children[name] =
        kind === 4
          ? {
              type: 'action',
              onEnter: [{ run: `book${g}` }, { set: { attempts: `attempts + ${seed % 7}` } }],
              next: [{ to: next, on: `book${g}.done` }, { to: `g${g}s0`, on: `book${g}.error` }],
            }
          : {
              guidance: `Step ${s} of ${group} (${seed}): talk to {{org.name}} about {{day${g}}}{{#if vip}} as a member{{/if}}. {{default note${g} "No note."}}`,
              ...(kind === 1 ? { tools: [`find${g}`] } : {}),
              next: [
                { to: next, intent: `The caller is ready for step ${s + 1} (${seed}).`, collect: { [`start${g}`]: { type: 'string' }, [`note${g}`]: { type: 'string' } }, optional: [`note${g}`] },
                { to: next, when: `attempts > ${3 + (seed % 5)} and vip = true`, ...(kind === 1 ? { on: `find${g}.done` } : { after: '2m' }) },
                ...(kind === 2 ? [{ to: 'closing', intent: `The caller wants to stop (${seed}).`, name: `stop_${name}`, set: { [`note${g}`]: `"stopped at ${name}"` } }] : []),
              ],
            };
    }
    stageMap[group] = {
      type: 'group',
      guidance: `You are in part ${g} (${seed}).`,
      initial: `g${g}s0`,
      onEnter: [{ set: { [`day${g}`]: `"day ${g}"`, [`party${g}`]: `[1, 2, ${seed % 3}]` } }],
      stages: children,
    };
  }
  stageMap.closing = { type: 'end', say: `Goodbye from {{org.name}} (${seed}).` };
  stageMap.human = { type: 'transfer', say: 'Connecting you.', transfer: { to: '+15125550199' } };
  stageMap.help = { guidance: `Answer the question (${seed}).`, next: [{ to: '$previous', intent: 'The question is answered.' }] };
  return {
    id: 'large-flow',
    name: `Large flow ${seed}`,
    agent: { instructions: `You are the agent of {{org.name}} (${seed}).`, voice: 'marin' },
    context: { schema: { type: 'object', properties }, initial: { org: { name: 'Bench Clinic' }, attempts: 0, vip: false } },
    tools,
    initial: 'group0',
    stages: stageMap,
    global: [
      { to: 'human', dtmf: '0', intent: 'The caller asks for a person.' },
      { to: 'help', keywords: ['question', 'help'], intent: 'The caller has a question.' },
    ],
    limits: { maxStageTurns: 8, onLimit: 'human' },
    onError: 'human',
  };
}

