import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../engine/errors/parley-error.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import { createCallInterpreter } from '../../engine/interpreter/create-call-interpreter.js';
import { CALL, flowOf, loadFixture, ofType, only, startTestCall, typesOf } from '../helpers/call-harness.js';

const dental = loadFixture('interpreter/dental-outreach.yaml');

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isParleyError(error)) return error.code;
    throw error;
  }
  throw new Error('nothing was thrown');
}

describe('call.ended', () => {
  it('runs onEnd in order without speaking, then emits the outcome; afterwards every event is ignored', () => {
    const { interpreter } = startTestCall(dental);
    interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: { found: true, dependents: [] } });
    interpreter.send({ type: 'model.calls', calls: [{ callId: 's', name: 'go_scheduling', arguments: { parentName: 'Maria' } }] });
    const reprompt = only(interpreter.send({ type: 'agent.turnEnded' }), 'timer.start');
    const ending = interpreter.send({ type: 'call.ended', reason: 'caller-hangup' });
    expect(ending).toEqual([
      { type: 'timer.cancel', key: reprompt.key },
      { type: 'tool.run', callId: 'onEnd-2', tool: 'log_call', use: 'crm.logInteraction', args: { phone: CALL.to, outcome: 'not_booked' }, timeoutMs: 8000, fillerAfterMs: 1500, origin: 'onEnd' },
    ]);
    expect(interpreter.status).toBe('ending');
    expect(interpreter.send({ type: 'caller.turn', transcript: 'bleeding' })).toEqual([]);
    const ended = interpreter.send({ type: 'tool.result', callId: 'onEnd-2', ok: true, result: {} });
    expect(ended).toEqual([
      {
        type: 'ended',
        outcome: { parentName: 'Maria', attempts: 0, booked: false },
      },
    ]);
    expect(interpreter.status).toBe('ended');
    expect(interpreter.outcome).toEqual({ outcome: { parentName: 'Maria', attempts: 0, booked: false } });
    expect(interpreter.send({ type: 'dtmf', digits: '0' })).toEqual([]);
    expect(interpreter.send({ type: 'call.ended', reason: 'caller-hangup' })).toEqual([]);
  });

  it('keeps an outcome that does not match its schema, with the mismatches', () => {
    const { interpreter } = startTestCall(dental);
    interpreter.send({ type: 'call.ended', reason: 'caller-hangup' });
    const ended = only(interpreter.send({ type: 'tool.result', callId: 'onEnd-2', ok: false, error: { code: 'E', message: 'x' } }), 'ended');
    expect(ended.outcome).toEqual({ attempts: 0, booked: false });
    expect(ended.outcomeErrors).toEqual(["outcome: must have required property 'parentName'"]);
  });

  it('records a stage entry the end interrupted and drops what was pending', () => {
    const router = loadFixture('interpreter/after-hours-router.yaml');
    const { interpreter } = startTestCall(router);
    const effects = interpreter.send({ type: 'call.ended', reason: 'caller-hangup' });
    expect(typesOf(effects)).toEqual(['transition', 'ended']);
    expect(only(effects, 'transition')).toMatchObject({ from: null, to: 'route' });
    expect(interpreter.pendingToolRuns).toEqual([]);
  });
});

describe('model.failed', () => {
  const flow = flowOf(
    { a: { next: [{ to: 'b', intent: 'Next.' }] }, b: {}, sorry: { type: 'transfer', say: 'Sorry, let me get someone.', transfer: { to: '+15125550199' } } },
    { onError: 'sorry' },
  );

  it('goes to the onError stage', () => {
    const { interpreter } = startTestCall(flow);
    const effects = interpreter.send({ type: 'model.failed', reason: 'reconnect failed' });
    expect(typesOf(effects)).toEqual(['session.update', 'respond', 'transfer', 'transition']);
    expect(only(effects, 'transition')).toMatchObject({ from: 'a', to: 'sorry', trigger: { kind: 'error', reason: 'reconnect failed' } });
    // Already there (or in a stage that finishes without the model): nothing more.
    expect(interpreter.send({ type: 'model.failed', reason: 'again' })).toEqual([]);
  });

  it('hangs up without onError', () => {
    const { interpreter } = startTestCall(flowOf({ a: {} }));
    expect(interpreter.send({ type: 'model.failed', reason: 'gone' })).toEqual([{ type: 'hangup' }]);
    expect(interpreter.send({ type: 'caller.turn', transcript: 'hello?' })).toEqual([]);
  });
});

describe('errors during a call are effects; the call goes on', () => {
  it('a failing expression is reported and counts as false', () => {
    const flow = flowOf({ a: { next: [{ to: 'b', when: '$number("x") > 1' }, { to: 'c' }] }, b: {}, c: {} });
    const { started, interpreter } = startTestCall(flow);
    expect(only(started, 'error')).toMatchObject({ code: 'CALL_EXPRESSION_FAILED', pointer: '/stages/a/next/0/when' });
    expect(interpreter.stage).toBe('c');
  });

  it('an assignment that contradicts the context schema is not stored', () => {
    const flow = flowOf(
      { a: { onEnter: [{ set: { age: '"old"', name: '"Ann"' } }] } },
      { context: { schema: { type: 'object', properties: { age: { type: 'integer' }, name: { type: 'string' } } } } },
    );
    const { started, interpreter } = startTestCall(flow);
    expect(only(started, 'error')).toMatchObject({ code: 'CALL_ASSIGN_INVALID', message: expect.stringContaining('context.age: must be integer') });
    expect(interpreter.context.age).toBeUndefined();
    expect(interpreter.context.name).toBe('Ann');
  });

  it('`call` cannot be written', () => {
    const { started, interpreter } = startTestCall(flowOf({ a: { onEnter: [{ set: { 'call.from': '"+1999"' } }] } }));
    expect(only(started, 'error').code).toBe('CALL_ASSIGN_INVALID');
    expect((interpreter.context.call as { from: string }).from).toBe(CALL.from);
  });

  it('stages that route to each other without waiting stop with CALL_TRANSITION_LOOP and a hang-up', () => {
    const flow = flowOf({ ping: { next: [{ to: 'pong' }] }, pong: { next: [{ to: 'ping', when: 'true' }] } });
    const { started, interpreter } = startTestCall(flow);
    expect(only(started, 'error').code).toBe('CALL_TRANSITION_LOOP');
    expect(started.at(-1)).toEqual({ type: 'hangup' });
    expect(ofType(started, 'transition').length).toBeGreaterThan(10);
    expect(interpreter.send({ type: 'caller.turn', transcript: 'hello' })).toEqual([]);
  });
});

describe('call input and driver misuse', () => {
  const flow = flowOf(
    { a: {} },
    {
      context: {
        schema: { type: 'object', properties: { org: { type: 'object' }, patientId: { type: 'string' } }, required: ['patientId'] },
        initial: { org: { name: 'Acme', phone: '+1' } },
      },
    },
  );
  const compiled = compileFlow(flow);

  it('merges the call’s values over context.initial and adds `call`', () => {
    const interpreter = createCallInterpreter(compiled, { call: CALL, context: { patientId: 'p1', org: { phone: '+2' } } });
    expect(interpreter.context).toEqual({ org: { name: 'Acme', phone: '+2' }, patientId: 'p1', call: CALL });
  });

  it('rejects bad input before anything starts', () => {
    expect(codeOf(() => createCallInterpreter(compiled, { call: CALL, context: {} }))).toBe('CALL_CONTEXT_INVALID');
    expect(codeOf(() => createCallInterpreter(compiled, { call: CALL, context: { patientId: 7 } }))).toBe('CALL_CONTEXT_INVALID');
    expect(codeOf(() => createCallInterpreter(compiled, { call: CALL, context: { patientId: 'p', call: {} } }))).toBe('CALL_CONTEXT_INVALID');
  });

  it('refuses events before start() and a second start()', () => {
    const interpreter = createCallInterpreter(compiled, { call: CALL, context: { patientId: 'p1' } });
    expect(codeOf(() => interpreter.send({ type: 'dtmf', digits: '1' }))).toBe('CALL_INTERPRETER_STATE');
    interpreter.start();
    expect(codeOf(() => interpreter.start())).toBe('CALL_INTERPRETER_STATE');
  });
});

describe('the call budget during onStart', () => {
  it('hangs up and starts nothing more when maxCallDuration runs out before the first stage', () => {
    const flow = flowOf(
      { a: {} },
      {
        tools: { slow: { use: 'crm.lookup' }, next: { use: 'crm.other' } },
        onStart: [{ run: 'slow' }, { run: 'next' }],
        limits: { maxCallDuration: '5s' },
      },
    );
    const { started, interpreter } = startTestCall(flow);
    expect(typesOf(started)).toEqual(['timer.start', 'tool.run']);
    expect(interpreter.send({ type: 'timer', key: 'call/max-duration' })).toEqual([{ type: 'hangup' }]);
    expect(interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: {} })).toEqual([]);
    expect(interpreter.stage).toBeNull();
    expect(typesOf(interpreter.send({ type: 'call.ended', reason: 'agent-hangup' }))).toEqual(['ended']);
  });
});
