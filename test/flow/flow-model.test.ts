import { describe, expect, it } from 'vitest';
import {
  bindingParameters,
  buildFlowModel,
  durationMs,
  intentToolName,
  intentToolSpec,
} from '../../engine/flow/flow-model.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import type { Flow } from '../../engine/types/flow.generated.js';

const flow: Flow = {
  id: 'model-test',
  name: 'Model test',
  agent: { instructions: 'You are a test agent.' },
  tools: {
    find: { use: 'calendar.findSlots', with: { seats: '2' } },
    note: { use: 'crm.addNote', global: true },
  },
  initial: 'greeting',
  limits: { maxStageTurns: 6, silence: '8s', onLimit: 'human' },
  stages: {
    greeting: {
      guidance: 'Greet.',
      next: [
        { to: 'booking', intent: 'Wants to book.', collect: { day: { type: 'string' }, note: { type: 'string' } }, optional: ['note'] },
        { to: 'closing', intent: 'Not interested.', name: 'decline' },
      ],
    },
    booking: {
      type: 'group',
      guidance: 'You are booking.',
      tools: ['find'],
      initial: 'ask',
      limits: { maxTurns: 3 },
      next: [{ to: 'closing', intent: 'Caller gives up.' }],
      stages: {
        ask: { guidance: 'Ask for a day.', next: [{ to: 'confirm', on: 'find.done' }] },
        confirm: { guidance: 'Confirm.', limits: { maxTurns: 2, silence: 5000 }, next: [{ to: 'closing', when: 'booked' }] },
      },
    },
    emergency: { guidance: 'Triage.', next: [{ to: '$previous', intent: 'Emergency handled.' }] },
    closing: { type: 'end', say: 'Goodbye.' },
    human: { type: 'transfer', transfer: { to: '+15125550199' } },
  },
  global: [{ to: 'emergency', keywords: ['bleeding'], intent: 'A dental emergency.' }],
};

describe('buildFlowModel', () => {
  const model = buildFlowModel(flow);

  it('indexes every stage, groups included, with pointers and parents', () => {
    expect([...model.stages.keys()]).toEqual(['greeting', 'booking', 'ask', 'confirm', 'emergency', 'closing', 'human']);
    expect(model.stages.get('confirm')).toMatchObject({ pointer: '/stages/booking/stages/confirm', parent: 'booking', depth: 1, kind: 'talk' });
    expect(model.stages.get('booking')!.children).toEqual(['ask', 'confirm']);
    expect(model.ancestors('confirm')).toEqual(['booking']);
    expect(model.leaves().map((s) => s.name)).toEqual(['greeting', 'ask', 'confirm', 'emergency', 'closing', 'human']);
  });

  it('resolves a group target to the stage actually entered', () => {
    expect(model.entryLeaf('booking')).toBe('ask');
    expect(model.entryLeaf('greeting')).toBe('greeting');
    expect(model.entryLeaf('nowhere')).toBeUndefined();
  });

  it('inherits guidance and tools from groups and adds global tools', () => {
    expect(model.guidance('confirm').map((g) => g.template)).toEqual(['You are booking.', 'Confirm.']);
    expect(model.guidance('confirm')[0]!.pointer).toBe('/stages/booking/guidance');
    expect(model.toolNames('confirm')).toEqual(['find', 'note']);
    expect(model.toolNames('greeting')).toEqual(['note']);
    expect(model.toolNames('closing')).toEqual([]);
  });

  it('offers no tools in end and transfer stages, even inside a group with tools — as the compiler does', () => {
    const grouped = buildFlowModel({
      ...flow,
      stages: {
        ...flow.stages,
        booking: {
          ...flow.stages.booking!,
          stages: { ...flow.stages.booking!.stages, booked: { type: 'end', tools: ['find'], say: 'Booked.' }, desk: { type: 'transfer', transfer: { to: '+15125550199' } } },
        },
      },
    });
    expect(grouped.toolNames('confirm')).toEqual(['find', 'note']);
    expect(grouped.toolNames('booked')).toEqual([]);
    expect(grouped.toolNames('desk')).toEqual([]);
    const compiled = compileFlow(grouped.flow);
    for (const leaf of grouped.leaves()) expect([...compiled.stages.get(leaf.name)!.toolNames], leaf.name).toEqual(grouped.toolNames(leaf.name));
  });

  it('orders intents by priority: own, groups (inner first), global', () => {
    expect(model.intents('ask').map((t) => t.intentName)).toEqual(['go_closing', 'go_emergency']);
    expect(model.intents('greeting').map((t) => t.intentName)).toEqual(['go_booking', 'decline', 'go_emergency']);
    expect(model.intents('emergency').map((t) => t.intentName)).toEqual(['go_back', 'go_emergency']);
    expect(model.intents('closing')).toEqual([]);
  });

  it('resolves limits: the stage, then its groups, then the flow', () => {
    expect(model.limits('confirm')).toEqual({ maxTurns: 2, silenceMs: 5000, reprompts: 2, onLimit: 'human' });
    expect(model.limits('ask')).toEqual({ maxTurns: 3, silenceMs: 8000, reprompts: 2, onLimit: 'human' });
    expect(model.limits('greeting')).toEqual({ maxTurns: 6, silenceMs: 8000, reprompts: 2, onLimit: 'human' });
  });

  it('records duplicate stage names instead of failing', () => {
    const dup = buildFlowModel({ ...flow, stages: { ...flow.stages, g2: { type: 'group', initial: 'ask', stages: { ask: {} } } } });
    expect(dup.duplicateStages).toEqual([{ name: 'ask', pointer: '/stages/g2/stages/ask', firstPointer: '/stages/booking/stages/ask' }]);
  });

  it('tolerates a malformed document', () => {
    const broken = buildFlowModel({ stages: { a: null, b: { next: 'nope' } } } as unknown as Flow);
    expect([...broken.stages.keys()]).toEqual(['b']);
    expect(broken.transitions).toEqual([]);
  });
});

describe('tool specs', () => {
  it('offers an intent as a function whose parameters are its collect schema', () => {
    const transition = flow.stages.greeting!.next![0]!;
    expect(intentToolName(transition)).toBe('go_booking');
    expect(intentToolSpec(transition)).toEqual({
      type: 'function',
      name: 'go_booking',
      description: 'Wants to book.',
      parameters: {
        type: 'object',
        properties: { day: { type: 'string' }, note: { type: 'string' } },
        required: ['day'],
        additionalProperties: false,
      },
    });
  });

  it('hides bound arguments from the model', () => {
    const operation = {
      description: 'Find slots',
      idempotent: true,
      input: { type: 'object', properties: { seats: { type: 'integer' }, day: { type: 'string' } }, required: ['seats', 'day'] },
      output: { type: 'object' },
    };
    expect(bindingParameters(flow.tools!.find!, operation)).toEqual({
      type: 'object',
      properties: { day: { type: 'string' } },
      required: ['day'],
    });
  });
});

describe('durationMs', () => {
  it('reads numbers and unit strings', () => {
    expect([durationMs(250), durationMs('250ms'), durationMs('30s'), durationMs('2m')]).toEqual([250, 250, 30_000, 120_000]);
    expect(durationMs('soon')).toBeNaN();
  });
});
