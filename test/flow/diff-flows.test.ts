import { describe, expect, it } from 'vitest';
import { diffFlows, fieldChanges } from '../../engine/flow/diff-flows.js';
import type { Flow } from '../../engine/types/flow.generated.js';

function base(): Flow {
  return {
    id: 'clinic',
    name: 'Clinic intake',
    agent: { instructions: 'You are Ava.', voice: 'marin' },
    tools: {
      find_slots: { use: 'calendar.findSlots', description: 'Find open slots.' },
      lookup: { use: 'crm.findContact' },
    },
    initial: 'greeting',
    stages: {
      greeting: {
        guidance: 'Greet the caller.',
        next: [
          { to: 'intake', intent: 'The caller wants an appointment.' },
          { to: 'closing', intent: 'The caller is done.' },
        ],
      },
      intake: {
        type: 'group',
        initial: 'ask',
        stages: {
          ask: { guidance: 'Ask for the reason.', tools: ['find_slots'], next: [{ to: 'closing', on: 'find_slots.done' }] },
        },
      },
      closing: { type: 'end', say: 'Goodbye!' },
    },
    global: [{ to: 'closing', dtmf: '0' }],
  };
}

describe('diffFlows', () => {
  it('finds nothing between a flow and a copy with its keys in another order', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reversed) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)])) : value;
    const a = base();
    const b = reversed(a) as Flow;
    expect(Object.keys(b)[0]).toBe('global');
    expect(diffFlows(a, b)).toMatchObject({ identical: true, summary: [] });
  });

  it('reports stages added, removed and changed, with their transitions', () => {
    const a = base();
    const b = base();
    b.stages.greeting!.guidance = 'Greet the caller warmly.';
    b.stages.greeting!.next!.splice(1, 0, { to: 'human', keywords: ['person'] });
    b.stages.greeting!.next![0]!.intent = 'The caller wants to book.';
    b.stages.human = { type: 'transfer', transfer: { to: '+15125550199' } };
    delete (b.stages.intake!.stages as Record<string, unknown>).ask;
    b.stages.intake!.stages!.reason = { guidance: 'Ask why.', next: [{ to: 'closing', when: 'true' }] };
    b.stages.intake!.initial = 'reason';

    const diff = diffFlows(a, b);
    expect(diff.identical).toBe(false);
    expect(diff.stages.added).toEqual([
      { name: 'reason', type: 'talk', group: 'intake' },
      { name: 'human', type: 'transfer', group: null },
    ]);
    expect(diff.stages.removed).toEqual([{ name: 'ask', type: 'talk', group: 'intake' }]);
    const greeting = diff.stages.changed.find((s) => s.name === 'greeting')!;
    expect(greeting.changes).toEqual([{ pointer: '/guidance', change: 'changed', before: 'Greet the caller.', after: 'Greet the caller warmly.' }]);
    expect(greeting.transitions).toEqual({
      added: [{ key: 'human', to: 'human', triggers: ['keywords'] }],
      removed: [],
      changed: [{ key: 'intake', to: 'intake', triggers: ['intent'], changes: [{ pointer: '/intent', change: 'changed', before: 'The caller wants an appointment.', after: 'The caller wants to book.' }] }],
      reordered: false,
    });
    const intake = diff.stages.changed.find((s) => s.name === 'intake')!;
    expect(intake.changes).toEqual([{ pointer: '/initial', change: 'changed', before: 'ask', after: 'reason' }]);
    expect(diff.summary).toEqual([
      'Stage `reason` added (talk in group `intake`)',
      'Stage `human` added (transfer)',
      'Stage `ask` removed',
      'Stage `greeting`: guidance changed; transition to `human` added; transition to `intake` changed (intent)',
      'Stage `intake`: initial changed',
    ]);
  });

  it('reports reordered transitions, moved stages, global transitions, tools, the agent and settings', () => {
    const a = base();
    const b = base();
    b.stages.greeting!.next!.reverse();
    // `ask` leaves its group for the top level.
    b.stages.ask = a.stages.intake!.stages!.ask!;
    b.stages.intake!.stages = { waiting: { guidance: 'Wait.', next: [{ to: 'ask', after: '30s' }] } };
    b.stages.intake!.initial = 'waiting';
    b.global = [{ to: 'closing', dtmf: '9' }, { to: 'closing', keywords: ['bye'] }];
    b.tools!.find_slots!.description = 'Find slots.';
    delete b.tools!.lookup;
    b.tools!.book = { use: 'calendar.book' };
    b.agent.voice = 'cedar';
    b.name = 'Clinic intake v2';
    b.limits = { maxStageTurns: 8 } as Flow['limits'];

    const diff = diffFlows(a, b);
    expect(diff.stages.changed.find((s) => s.name === 'greeting')!.transitions.reordered).toBe(true);
    expect(diff.stages.changed.find((s) => s.name === 'ask')).toMatchObject({ moved: { from: 'intake', to: null }, changes: [] });
    expect(diff.global).toEqual({
      added: [{ key: 'closing#2', to: 'closing', triggers: ['keywords'] }],
      removed: [],
      changed: [{ key: 'closing', to: 'closing', triggers: ['dtmf 9'], changes: [{ pointer: '/dtmf', change: 'changed', before: '0', after: '9' }] }],
      reordered: false,
    });
    expect(diff.tools).toEqual({
      added: ['book'],
      removed: ['lookup'],
      changed: [{ name: 'find_slots', changes: [{ pointer: '/description', change: 'changed', before: 'Find open slots.', after: 'Find slots.' }] }],
    });
    expect(diff.agent).toEqual([{ pointer: '/voice', change: 'changed', before: 'marin', after: 'cedar' }]);
    expect(diff.settings).toEqual([
      { pointer: '/name', change: 'changed', before: 'Clinic intake', after: 'Clinic intake v2' },
      { pointer: '/limits', change: 'added', after: { maxStageTurns: 8 } },
    ]);
    expect(diff.summary).toContain('Stage `ask`: moved to the top level');
    expect(diff.summary).toContain('Stage `greeting`: transitions reordered');
    expect(diff.summary).toContain('Agent: voice changed');
  });
});

describe('fieldChanges', () => {
  it('compares objects key by key and arrays whole, with JSON pointers', () => {
    expect(fieldChanges({ a: { 'x/y': 1, keep: 2 }, list: [1, 2] }, { a: { 'x/y': 3, keep: 2 }, list: [2, 1], extra: true })).toEqual([
      { pointer: '/a/x~1y', change: 'changed', before: 1, after: 3 },
      { pointer: '/list', change: 'changed', before: [1, 2], after: [2, 1] },
      { pointer: '/extra', change: 'added', after: true },
    ]);
  });
});
