import { describe, expect, it } from 'vitest';
import type { Effect } from '../../engine/interpreter/call-types.js';
import { flowOf, loadFixture, ofType, only, startTestCall, typesOf } from '../helpers/call-harness.js';

const dental = loadFixture('interpreter/dental-outreach.yaml');
const router = loadFixture('interpreter/after-hours-router.yaml');

function dentalIn(stage: 'greeting' | 'availability') {
  const call = startTestCall(dental);
  call.interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: { found: true, firstName: 'Maria', dependents: [{ name: 'Tony' }] } });
  if (stage === 'availability') call.interpreter.send({ type: 'model.calls', calls: [{ callId: 's', name: 'go_scheduling', arguments: { parentName: 'Maria' } }] });
  return call;
}

function routerInMenu() {
  const call = startTestCall(router);
  call.interpreter.send({ type: 'tool.result', callId: 'onEnter-1', ok: true, result: { status: 200, body: { available: true } } });
  return call;
}

const transitionOf = (effects: Effect[]) => ofType(effects, 'transition').at(-1);
const key = (effects: Effect[], fragment: string) => ofType(effects, 'timer.start').find((timer) => timer.key.includes(fragment))!.key;

describe('intent', () => {
  it('takes the transition, answers the call and records the intent', () => {
    const { interpreter } = dentalIn('greeting');
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_reassure', arguments: '{}' }] });
    expect(effects[0]).toEqual({ type: 'tool.output', callId: 'c1', output: { status: 'ok' } });
    expect(transitionOf(effects)).toMatchObject({ from: 'greeting', to: 'reassure', trigger: { kind: 'intent', name: 'go_reassure', args: {} } });
    expect(interpreter.stage).toBe('reassure');
  });

  it('records which transition of the flow fired, by its JSON pointer (for coverage); the start has none', () => {
    const call = startTestCall(dental);
    const started = call.interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: { contact: { parentName: 'Maria', children: [{ name: 'Tony' }] } } });
    expect(transitionOf(started)).not.toHaveProperty('pointer');
    const intent = call.interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_reassure', arguments: '{}' }] });
    expect(transitionOf(intent)).toMatchObject({ to: 'reassure', pointer: '/stages/greeting/next/0' });
    const keywords = call.interpreter.send({ type: 'caller.turn', transcript: 'my son is bleeding' });
    expect(transitionOf(keywords)).toMatchObject({ to: 'emergency', trigger: { kind: 'keywords' }, pointer: '/global/0' });
  });

  it('validates collect: invalid arguments are refused with what to fix and change nothing', () => {
    const { interpreter } = dentalIn('greeting');
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_scheduling', arguments: { parentName: 42 } }] });
    expect(typesOf(effects)).toEqual(['tool.output', 'violation', 'respond']);
    const output = only(effects, 'tool.output').output as { status: string; message: string };
    expect(output.status).toBe('error');
    expect(output.message).toContain('arguments.parentName: must be string');
    expect(only(effects, 'violation')).toMatchObject({ callId: 'c1', name: 'go_scheduling', code: 'CALL_INTENT_ARGUMENTS' });
    expect(only(effects, 'respond').reason).toBe('tools');
    expect(interpreter.stage).toBe('greeting');

    const missing = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c2', name: 'go_scheduling', arguments: {} }] });
    expect((only(missing, 'tool.output').output as { message: string }).message).toContain("must have required property 'parentName'");
  });

  it('stores collected values in the context under their names', () => {
    const { interpreter } = dentalIn('greeting');
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_scheduling', arguments: { parentName: 'Maria' } }] });
    expect(interpreter.context.parentName).toBe('Maria');
    expect(transitionOf(effects)!.contextDiff).toEqual({ parentName: 'Maria' });
  });

  it('with when: offered only while the condition holds, refused when called while false', () => {
    const flow = flowOf({
      start: {
        next: [
          { to: 'vip', intent: 'The caller is a VIP.', when: 'tier = "gold"' },
          { to: 'other', intent: 'Anything else.' },
        ],
      },
      vip: {},
      other: {},
    });
    const plain = startTestCall(flow, { context: { tier: 'basic' } });
    expect(only(plain.started, 'session.update').tools.map((tool) => tool.name)).toEqual(['go_other']);
    const refused = plain.interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_vip', arguments: {} }] });
    expect(typesOf(refused)).toEqual(['tool.output', 'violation', 'respond']);
    expect(only(refused, 'violation').code).toBe('CALL_INTENT_UNAVAILABLE');
    expect(plain.interpreter.stage).toBe('start');

    const gold = startTestCall(flow, { context: { tier: 'gold' } });
    expect(only(gold.started, 'session.update').tools.map((tool) => tool.name)).toEqual(['go_vip', 'go_other']);
    gold.interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_vip', arguments: {} }] });
    expect(gold.interpreter.stage).toBe('vip');
  });
});

describe('intent + when, as the context changes within a stage', () => {
  const flow = flowOf(
    {
      pick: {
        tools: ['find'],
        next: [
          { to: 'chosen', intent: 'The caller picked a time.', when: '$count(slots) > 0', name: 'time_chosen' },
          { to: 'gone', intent: 'Give up.' },
        ],
      },
      chosen: {},
      gone: {},
    },
    { tools: { find: { use: 'cal.find', assign: { slots: '$result.slots' } } }, context: { initial: { slots: [] } } },
  );

  it('offers the intent once a tool result makes its `when` true: the stage is sent again, history kept, before the response', () => {
    const { interpreter, started } = startTestCall(flow);
    expect(only(started, 'session.update').tools.map((tool) => tool.name)).toEqual(['find', 'go_gone']);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'f1', name: 'find', arguments: {} }] });
    const found = interpreter.send({ type: 'tool.result', callId: 'f1', ok: true, result: { slots: ['9:00'] } });
    expect(typesOf(found)).toEqual(['tool.output', 'session.update', 'respond']);
    expect(only(found, 'session.update')).toMatchObject({ stage: 'pick', history: 'keep' });
    expect(only(found, 'session.update').tools.map((tool) => tool.name)).toEqual(['find', 'time_chosen', 'go_gone']);
    expect(interpreter.tools.map((tool) => tool.name)).toEqual(['find', 'time_chosen', 'go_gone']);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'time_chosen', arguments: {} }] });
    expect(interpreter.stage).toBe('chosen');
  });

  it('sends nothing extra when the offer is unchanged, and withdraws the intent when its `when` turns false again', () => {
    const { interpreter } = startTestCall(flow);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'f1', name: 'find', arguments: {} }] });
    expect(typesOf(interpreter.send({ type: 'tool.result', callId: 'f1', ok: true, result: { slots: [] } }))).toEqual(['tool.output', 'respond']);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'f2', name: 'find', arguments: {} }] });
    interpreter.send({ type: 'tool.result', callId: 'f2', ok: true, result: { slots: ['9:00'] } });
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'f3', name: 'find', arguments: {} }] });
    const emptied = interpreter.send({ type: 'tool.result', callId: 'f3', ok: true, result: { slots: [] } });
    expect(typesOf(emptied)).toEqual(['tool.output', 'session.update', 'respond']);
    expect(only(emptied, 'session.update').tools.map((tool) => tool.name)).toEqual(['find', 'go_gone']);
  });
});

describe('on: <tool>.done / <tool>.error', () => {
  it('routes on success (with its when) and on failure, and applies the transition’s set', () => {
    const { interpreter } = dentalIn('availability');
    interpreter.send({ type: 'model.calls', calls: [{ callId: 't1', name: 'check_availability', arguments: { date: '2026-01-12' } }] });
    const done = interpreter.send({ type: 'tool.result', callId: 't1', ok: true, result: { slots: ['9:00'] } });
    expect(transitionOf(done)).toMatchObject({ from: 'availability', to: 'booking', trigger: { kind: 'tool', tool: 'check_availability', outcome: 'done' } });

    interpreter.send({ type: 'model.calls', calls: [{ callId: 't2', name: 'book_appointment', arguments: { start: '2026-01-12T09:00:00-06:00' } }] });
    const failed = interpreter.send({ type: 'tool.result', callId: 't2', ok: false, error: { code: 'TAKEN', message: 'slot taken' } });
    expect(transitionOf(failed)).toMatchObject({ from: 'booking', to: 'availability', trigger: { kind: 'tool', tool: 'book_appointment', outcome: 'error' }, contextDiff: { attempts: 1 } });
    expect(interpreter.context.attempts).toBe(1);
  });

  it('does not route on success when the transition’s when is false', () => {
    const { interpreter } = dentalIn('availability');
    interpreter.send({ type: 'model.calls', calls: [{ callId: 't1', name: 'check_availability', arguments: { date: '2026-01-12' } }] });
    const effects = interpreter.send({ type: 'tool.result', callId: 't1', ok: true, result: { slots: [] } });
    expect(typesOf(effects)).toEqual(['tool.output', 'respond']);
    expect(interpreter.stage).toBe('availability');
  });
});

describe('when', () => {
  const flow = flowOf(
    {
      quiz: { tools: ['score'], next: [{ to: 'passed', when: 'points >= 3' }] },
      passed: {},
    },
    { tools: { score: { use: 'quiz.score', assign: { points: '$result.points' } } }, context: { initial: { points: 0 } } },
  );

  it('fires as soon as the context makes it true', () => {
    const { interpreter } = startTestCall(flow);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'score', arguments: {} }] });
    const effects = interpreter.send({ type: 'tool.result', callId: 'a', ok: true, result: { points: 3 } });
    expect(typesOf(effects)).toEqual(['tool.output', 'session.update', 'respond', 'transition']);
    expect(transitionOf(effects)).toMatchObject({ from: 'quiz', to: 'passed', trigger: { kind: 'when', expression: 'points >= 3' }, contextDiff: { points: 3 } });
  });

  it('fires on entry when it already holds (the stage is recorded, then left)', () => {
    const { started, interpreter } = startTestCall(flow, { context: { points: 5 } });
    expect(typesOf(started)).toEqual(['transition', 'session.update', 'respond', 'transition']);
    expect(ofType(started, 'transition').map((t) => `${t.from}->${t.to}`)).toEqual(['null->quiz', 'quiz->passed']);
    expect(interpreter.visited).toEqual(['quiz', 'passed']);
  });
});

describe('keywords and pattern', () => {
  it('keywords: case-insensitive whole words over the transcript, no model involved', () => {
    const { interpreter } = dentalIn('availability');
    expect(interpreter.send({ type: 'caller.turn', transcript: 'the bleedings stopped' })).toEqual([]);
    const effects = interpreter.send({ type: 'caller.turn', transcript: 'My son is BLEEDING' });
    expect(typesOf(effects)).toEqual(['session.update', 'respond', 'transition']);
    expect(transitionOf(effects)).toMatchObject({ from: 'availability', to: 'emergency', trigger: { kind: 'keywords', matched: 'BLEEDING' } });
    const phrase = dentalIn('greeting').interpreter.send({ type: 'caller.turn', transcript: 'it really, hurts now' });
    expect(transitionOf(phrase)!.trigger).toEqual({ kind: 'keywords', matched: 'really, hurts' });
  });

  it('pattern: a case-insensitive regular expression over the transcript', () => {
    const { interpreter } = routerInMenu();
    const effects = interpreter.send({ type: 'caller.turn', transcript: 'The FURNACE is out again' });
    expect(transitionOf(effects)).toMatchObject({ from: 'menu', to: 'dispatch', trigger: { kind: 'pattern', matched: 'FURNACE is out' } });
  });
});

describe('dtmf', () => {
  it('fires when the digits pressed in this stage end with the transition’s', () => {
    const flow = flowOf({ menu: { next: [{ to: 'agent', dtmf: '12#' }] }, agent: { next: [{ to: 'menu', dtmf: '#' }] } });
    const { interpreter } = startTestCall(flow);
    expect(interpreter.send({ type: 'dtmf', digits: '9' })).toEqual([]);
    expect(interpreter.send({ type: 'dtmf', digits: '1' })).toEqual([]);
    expect(interpreter.send({ type: 'dtmf', digits: '2' })).toEqual([]);
    const effects = interpreter.send({ type: 'dtmf', digits: '#' });
    expect(transitionOf(effects)).toMatchObject({ to: 'agent', trigger: { kind: 'dtmf', digits: '12#' } });
    // The buffer starts empty in the new stage: the `#` that got us here does not count.
    expect(interpreter.stage).toBe('agent');
    expect(transitionOf(interpreter.send({ type: 'dtmf', digits: '#' }))).toMatchObject({ to: 'menu' });
  });
});

describe('after and silence', () => {
  it('after: a timer from stage entry; stale keys are ignored', () => {
    const { interpreter } = routerInMenu();
    const toVoicemail = interpreter.send({ type: 'dtmf', digits: '2' });
    const afterKey = key(toVoicemail, '/after/');
    expect(ofType(toVoicemail, 'timer.start').find((t) => t.key === afterKey)!.ms).toBe(180_000);
    const effects = interpreter.send({ type: 'timer', key: afterKey });
    expect(transitionOf(effects)).toMatchObject({ from: 'voicemail', to: 'goodbye', trigger: { kind: 'after', ms: 180_000 } });
    expect(interpreter.send({ type: 'timer', key: afterKey })).toEqual([]);
  });

  it('leaving a stage cancels its timers', () => {
    const { interpreter } = routerInMenu();
    const toVoicemail = interpreter.send({ type: 'dtmf', digits: '2' });
    const cancelled = ofType(toVoicemail, 'timer.cancel').map((t) => t.key);
    expect(cancelled).toEqual([expect.stringMatching(/max-duration$/)]);
  });

  it('silence: timers start when the agent’s turn ends, stop when the caller speaks, and fire into the transition', () => {
    const { interpreter } = routerInMenu();
    const first = interpreter.send({ type: 'agent.turnEnded' });
    const firstKey = key(first, '/silence-1/');
    expect(interpreter.send({ type: 'caller.speechStarted' })).toEqual([{ type: 'timer.cancel', key: firstKey }]);
    expect(interpreter.send({ type: 'timer', key: firstKey })).toEqual([]);
    const second = interpreter.send({ type: 'agent.turnEnded' });
    const secondKey = key(second, '/silence-2/');
    expect(ofType(second, 'timer.start')[0]!.ms).toBe(20_000);
    const effects = interpreter.send({ type: 'timer', key: secondKey });
    expect(transitionOf(effects)).toMatchObject({ from: 'menu', to: 'voicemail', trigger: { kind: 'silence', ms: 20_000 } });
  });
});

describe('limits', () => {
  it('maxTurns: the turn after the budget takes onLimit (the group’s limit applies to its stages)', () => {
    const { interpreter } = dentalIn('availability');
    for (let turn = 1; turn <= 6; turn++) expect(interpreter.send({ type: 'caller.turn', transcript: 'hmm, let me think' })).toEqual([]);
    const effects = interpreter.send({ type: 'caller.turn', transcript: 'hmm' });
    expect(transitionOf(effects)).toMatchObject({ from: 'availability', to: 'human', trigger: { kind: 'limit', limit: 'turns' } });
  });

  it('the onLimit in force is the stage’s own, else its group’s, else the flow’s', () => {
    const flow = flowOf(
      {
        g: {
          type: 'group',
          limits: { onLimit: 'groupLimit' },
          stages: {
            own: { limits: { maxTurns: 1, onLimit: 'ownLimit' }, next: [{ to: 'inherits', intent: 'Next.' }] },
            inherits: { limits: { maxTurns: 1 }, next: [{ to: 'outside', intent: 'Out.' }] },
          },
        },
        outside: { limits: { maxTurns: 1 } },
        ownLimit: {},
        groupLimit: {},
        flowLimit: {},
      },
      { limits: { onLimit: 'flowLimit' } },
    );
    const overflow = (call: ReturnType<typeof startTestCall>) => {
      call.interpreter.send({ type: 'caller.turn', transcript: 'one' });
      return transitionOf(call.interpreter.send({ type: 'caller.turn', transcript: 'two' }))!.to;
    };
    expect(overflow(startTestCall(flow))).toBe('ownLimit');
    const inGroup = startTestCall(flow);
    inGroup.interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'go_inherits', arguments: {} }] });
    expect(overflow(inGroup)).toBe('groupLimit');
    const outside = startTestCall(flow);
    outside.interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'go_inherits', arguments: {} }] });
    outside.interpreter.send({ type: 'model.calls', calls: [{ callId: 'b', name: 'go_outside', arguments: {} }] });
    expect(overflow(outside)).toBe('flowLimit');
  });

  it('maxDuration: the stage budget timer takes onLimit', () => {
    const { interpreter, started } = (() => {
      const call = startTestCall(router);
      return { ...call, started: call.interpreter.send({ type: 'tool.result', callId: 'onEnter-1', ok: true, result: { status: 200, body: { available: true } } }) };
    })();
    const budget = ofType(started, 'timer.start').find((t) => t.key.endsWith('max-duration'))!;
    expect(budget.ms).toBe(120_000);
    expect(transitionOf(interpreter.send({ type: 'timer', key: budget.key }))).toMatchObject({ to: 'voicemail', trigger: { kind: 'limit', limit: 'duration' } });
  });

  it('maxCallDuration: armed at start, takes onLimit from any conversation stage; without onLimit the call ends', () => {
    const flow = flowOf({ a: { next: [{ to: 'b', intent: 'Next.' }] }, b: {}, bye: { type: 'end', say: 'Time is up.' } }, { limits: { maxCallDuration: '10m', onLimit: 'bye' } });
    const { started, interpreter } = startTestCall(flow);
    expect(started[0]).toEqual({ type: 'timer.start', key: 'call/max-duration', ms: 600_000 });
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_b', arguments: {} }] });
    const effects = interpreter.send({ type: 'timer', key: 'call/max-duration' });
    expect(typesOf(effects)).toEqual(['session.update', 'respond', 'hangup', 'transition']);
    expect(transitionOf(effects)).toMatchObject({ from: 'b', to: 'bye', trigger: { kind: 'limit', limit: 'call-duration' } });

    const bare = startTestCall(flowOf({ a: {} }, { limits: { maxCallDuration: 1000 } }));
    expect(bare.interpreter.send({ type: 'timer', key: 'call/max-duration' })).toEqual([{ type: 'hangup' }]);
  });

  it('silence re-prompts up to `reprompts` times, then takes onLimit', () => {
    const { interpreter } = dentalIn('greeting');
    const firstKey = key(interpreter.send({ type: 'agent.turnEnded' }), '/reprompt');
    expect(interpreter.send({ type: 'timer', key: firstKey })).toEqual([{ type: 'respond', reason: 'reprompt' }]);
    const secondKey = key(interpreter.send({ type: 'agent.turnEnded' }), '/reprompt');
    expect(secondKey).not.toBe(firstKey);
    const effects = interpreter.send({ type: 'timer', key: secondKey });
    expect(transitionOf(effects)).toMatchObject({ from: 'greeting', to: 'human', trigger: { kind: 'limit', limit: 'silence' } });
  });

  it('a caller turn resets the re-prompt count', () => {
    const { interpreter } = dentalIn('greeting');
    interpreter.send({ type: 'timer', key: key(interpreter.send({ type: 'agent.turnEnded' }), '/reprompt') });
    interpreter.send({ type: 'caller.turn', transcript: 'sorry, I was away' });
    const again = interpreter.send({ type: 'timer', key: key(interpreter.send({ type: 'agent.turnEnded' }), '/reprompt') });
    expect(again).toEqual([{ type: 'respond', reason: 'reprompt' }]);
  });
});

describe('global transitions and $previous', () => {
  it('returns to the interrupted stage with $previous, and forgets it there', () => {
    const { interpreter } = dentalIn('availability');
    interpreter.send({ type: 'caller.turn', transcript: 'his gum is swelling' });
    expect(interpreter.stage).toBe('emergency');
    expect(interpreter.tools.map((tool) => tool.name)).toContain('go_back');
    const back = interpreter.send({ type: 'model.calls', calls: [{ callId: 'b', name: 'go_back', arguments: {} }] });
    expect(transitionOf(back)).toMatchObject({ from: 'emergency', to: 'availability', trigger: { kind: 'intent', name: 'go_back' } });
    expect(interpreter.visited).toEqual(['greeting', 'availability', 'emergency', 'availability']);
  });

  it('does not offer $previous when nothing was interrupted', () => {
    const flow = flowOf({ a: { next: [{ to: 'help', intent: 'Help.' }] }, help: { next: [{ to: '$previous', intent: 'Back.' }] } });
    const { interpreter } = startTestCall(flow);
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_help', arguments: {} }] });
    expect(only(effects, 'session.update').tools.map((tool) => tool.name)).toEqual([]);
    expect(only(interpreter.send({ type: 'model.calls', calls: [{ callId: 'd', name: 'go_back', arguments: {} }] }), 'violation').code).toBe('CALL_INTENT_UNAVAILABLE');
  });

  it('an interruption of an interruption keeps the first interrupted stage', () => {
    const flow = flowOf(
      {
        work: {},
        hold: { next: [{ to: '$previous', intent: 'Resume.' }] },
        faq: { next: [{ to: '$previous', intent: 'Resume.' }] },
      },
      { global: [{ to: 'hold', keywords: ['hold on'] }, { to: 'faq', keywords: ['question'] }] },
    );
    const { interpreter } = startTestCall(flow);
    interpreter.send({ type: 'caller.turn', transcript: 'hold on' });
    interpreter.send({ type: 'caller.turn', transcript: 'quick question' });
    expect(interpreter.stage).toBe('faq');
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'r', name: 'go_back', arguments: {} }] });
    expect(interpreter.stage).toBe('work');
  });

  it('a stage’s own transition wins over a global one on the same trigger', () => {
    const flow = flowOf({ a: { next: [{ to: 'own', keywords: ['help'] }] }, own: {}, global: {} }, { global: [{ to: 'global', keywords: ['help'] }] });
    const { interpreter } = startTestCall(flow);
    interpreter.send({ type: 'caller.turn', transcript: 'help me' });
    expect(interpreter.stage).toBe('own');
    interpreter.send({ type: 'caller.turn', transcript: 'help me' });
    expect(interpreter.stage).toBe('global');
  });

  it('never fires from end or transfer stages', () => {
    const { interpreter } = dentalIn('greeting');
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_closing', arguments: {} }] });
    expect(interpreter.send({ type: 'caller.turn', transcript: 'wait, he is bleeding' })).toEqual([]);
    expect(interpreter.send({ type: 'dtmf', digits: '0' })).toEqual([]);
    expect(interpreter.stage).toBe('closing');
  });
});
