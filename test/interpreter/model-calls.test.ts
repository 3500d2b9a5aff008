import { describe, expect, it } from 'vitest';
import type { ConnectorCatalog } from '../../engine/connectors/catalog.js';
import { flowOf, loadFixture, ofType, only, startTestCall, typesOf } from '../helpers/call-harness.js';

const dental = loadFixture('interpreter/dental-outreach.yaml');

function dentalInAvailability() {
  const call = startTestCall(dental);
  call.interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: { found: true, firstName: 'Maria', dependents: [{ name: 'Tony' }, { name: 'Paula' }] } });
  call.interpreter.send({ type: 'model.calls', calls: [{ callId: 's', name: 'go_scheduling', arguments: { parentName: 'Maria' } }] });
  return call;
}

/** Two tools, each with a transition of its own, and an intent. */
const twoTools = flowOf(
  {
    desk: {
      tools: ['weather', 'traffic'],
      next: [
        { to: 'sunny', on: 'weather.done' },
        { to: 'jammed', on: 'traffic.done' },
        { to: 'elsewhere', intent: 'Go elsewhere.' },
      ],
    },
    sunny: {},
    jammed: {},
    elsewhere: {},
  },
  { tools: { weather: { use: 'info.weather' }, traffic: { use: 'info.traffic' } } },
);

describe('a batch of calls', () => {
  it('settles every call, then applies at most one transition (the first in call order) and asks for one response', () => {
    const { interpreter } = startTestCall(twoTools);
    const issued = interpreter.send({
      type: 'model.calls',
      calls: [
        { callId: 'w', name: 'weather', arguments: {} },
        { callId: 't', name: 'traffic', arguments: {} },
      ],
    });
    expect(typesOf(issued)).toEqual(['tool.run', 'tool.run']);
    // The second call's result comes first: it is answered, nothing moves yet.
    expect(interpreter.send({ type: 'tool.result', callId: 't', ok: true, result: { minutes: 40 } })).toEqual([
      { type: 'tool.output', callId: 't', output: { status: 'ok', result: { minutes: 40 } } },
    ]);
    const settled = interpreter.send({ type: 'tool.result', callId: 'w', ok: true, result: { sky: 'clear' } });
    expect(typesOf(settled)).toEqual(['tool.output', 'session.update', 'respond', 'transition']);
    expect(only(settled, 'transition')).toMatchObject({ from: 'desk', to: 'sunny', trigger: { kind: 'tool', tool: 'weather' } });
  });

  it('without a transition, continues in the same stage with one respond after all outputs', () => {
    const flow = flowOf({ desk: { tools: ['weather', 'traffic'] } }, { tools: { weather: { use: 'info.weather' }, traffic: { use: 'info.traffic' } } });
    const { interpreter } = startTestCall(flow);
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'w', name: 'weather', arguments: '{}' }, { callId: 't', name: 'traffic', arguments: '{}' }] });
    expect(typesOf(interpreter.send({ type: 'tool.result', callId: 'w', ok: true, result: 1 }))).toEqual(['tool.output']);
    expect(interpreter.send({ type: 'tool.result', callId: 't', ok: true, result: 2 })).toEqual([
      { type: 'tool.output', callId: 't', output: { status: 'ok', result: 2 } },
      { type: 'respond', reason: 'tools' },
    ]);
  });

  it('an accepted intent before a tool wins; the tool still runs and is answered', () => {
    const { interpreter } = startTestCall(twoTools);
    const issued = interpreter.send({
      type: 'model.calls',
      calls: [
        { callId: 'i', name: 'go_elsewhere', arguments: {} },
        { callId: 'w', name: 'weather', arguments: {} },
      ],
    });
    expect(typesOf(issued)).toEqual(['tool.run']);
    const settled = interpreter.send({ type: 'tool.result', callId: 'w', ok: true, result: {} });
    expect(typesOf(settled)).toEqual(['tool.output', 'tool.output', 'session.update', 'respond', 'transition']);
    expect(settled[1]).toEqual({ type: 'tool.output', callId: 'i', output: { status: 'ok' } });
    expect(only(settled, 'transition').to).toBe('elsewhere');
  });

  it('ignores a response without calls', () => {
    const { interpreter } = startTestCall(twoTools);
    expect(interpreter.send({ type: 'model.calls', calls: [] })).toEqual([]);
  });

  it('refuses a tool the stage does not offer, and records it as a violation', () => {
    const { interpreter } = dentalInAvailability();
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'x', name: 'book_appointment', arguments: { start: '2026-01-12T09:00:00-06:00' } }] });
    expect(typesOf(effects)).toEqual(['tool.output', 'violation', 'respond']);
    expect(only(effects, 'violation')).toMatchObject({ callId: 'x', name: 'book_appointment', code: 'CALL_TOOL_NOT_OFFERED' });
    expect(only(effects, 'tool.output').output).toMatchObject({ status: 'error' });
  });

  it('validates tool arguments before the connector sees them', () => {
    const { interpreter } = dentalInAvailability();
    const effects = interpreter.send({
      type: 'model.calls',
      calls: [
        { callId: 'a', name: 'check_availability', arguments: { date: 3 } },
        { callId: 'b', name: 'check_availability', arguments: '{"date": "2026-01-12"' },
      ],
    });
    expect(typesOf(effects)).toEqual(['tool.output', 'violation', 'tool.output', 'violation', 'respond']);
    expect(ofType(effects, 'violation').map((v) => v.code)).toEqual(['CALL_TOOL_ARGUMENTS', 'CALL_TOOL_ARGUMENTS']);
    expect((ofType(effects, 'tool.output')[0]!.output as { message: string }).message).toContain('arguments.date: must be string');
  });

  it('runs a tool with the model’s arguments plus the binding’s `with`, its filler and timeout', () => {
    const { interpreter } = dentalInAvailability();
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'check_availability', arguments: '{"date":"2026-01-12"}' }] });
    expect(effects).toEqual([
      {
        type: 'tool.run',
        callId: 'a',
        tool: 'check_availability',
        use: 'calendar.findSlots',
        args: { date: '2026-01-12', calendar: 'jefferson-dental', seats: 2 },
        timeoutMs: 8000,
        filler: 'One moment while I check the schedule.',
        fillerAfterMs: 1500,
        origin: 'model',
      },
    ]);
  });
});

describe('tool outputs', () => {
  it('return only the exposed fields; failures return the fallback', () => {
    const { interpreter } = dentalInAvailability();
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'check_availability', arguments: { date: '2026-01-12' } }] });
    const ok = interpreter.send({ type: 'tool.result', callId: 'a', ok: true, result: { slots: [], internalId: 'x-1', patientDob: '2015-01-01' } });
    expect(ofType(ok, 'tool.output')[0]!.output).toEqual({ status: 'ok', result: { slots: [] } });

    interpreter.send({ type: 'model.calls', calls: [{ callId: 'b', name: 'check_availability', arguments: { date: '2026-01-12' } }] });
    const failed = interpreter.send({ type: 'tool.result', callId: 'b', ok: false, error: { code: 'DOWN', message: 'calendar down: stack trace …' } });
    expect(ofType(failed, 'tool.output')[0]!.output).toEqual({ status: 'error', message: 'The schedule is unavailable; offer a call back.' });
  });

  it('without `expose`, leave out the fields the catalog marks as personal data', () => {
    const catalog: ConnectorCatalog = {
      crm: {
        name: 'crm',
        version: '1.0.0',
        description: 'CRM',
        configured: true,
        source: 'builtin',
        operations: { lookup: { description: 'Find a contact.', idempotent: true, input: { type: 'object' }, output: { type: 'object' }, pii: ['dob', 'ssn'] } },
      },
    };
    const flow = flowOf({ a: { tools: ['lookup'] } }, { tools: { lookup: { use: 'crm.lookup' } } });
    const { interpreter } = startTestCall(flow, { catalog });
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'lookup', arguments: {} }] });
    const effects = interpreter.send({ type: 'tool.result', callId: 'a', ok: true, result: { name: 'Maria', dob: '1990-02-03', ssn: '123' } });
    expect(ofType(effects, 'tool.output')[0]!.output).toEqual({ status: 'ok', result: { name: 'Maria' } });
  });
});

describe('barge-in: the stage changes while a tool runs', () => {
  it('the late result still applies and is answered, but moves nothing and asks for no response', () => {
    const { interpreter } = dentalInAvailability();
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'a', name: 'check_availability', arguments: { date: '2026-01-12' } }] });
    const interrupted = interpreter.send({ type: 'caller.turn', transcript: 'wait, he is bleeding' });
    expect(only(interrupted, 'transition').to).toBe('emergency');
    const late = interpreter.send({ type: 'tool.result', callId: 'a', ok: true, result: { slots: ['9:00'] } });
    expect(late).toEqual([{ type: 'tool.output', callId: 'a', output: { status: 'ok', result: { slots: ['9:00'] } } }]);
    expect(interpreter.context.slots).toEqual(['9:00']);
    expect(interpreter.stage).toBe('emergency');
  });

  it('accepted intents of a batch the stage change overtook are answered as ignored', () => {
    const { interpreter } = startTestCall({ ...twoTools, global: [{ to: 'jammed', keywords: ['operator'] }] });
    interpreter.send({
      type: 'model.calls',
      calls: [
        { callId: 'w', name: 'weather', arguments: {} },
        { callId: 'i', name: 'go_elsewhere', arguments: {} },
      ],
    });
    const moved = interpreter.send({ type: 'caller.turn', transcript: 'operator please' });
    expect(typesOf(moved)).toEqual(['tool.output', 'session.update', 'respond', 'transition']);
    expect(moved[0]).toEqual({ type: 'tool.output', callId: 'i', output: { status: 'ignored', message: expect.any(String) } });
    expect(interpreter.send({ type: 'tool.result', callId: 'w', ok: true, result: {} })).toEqual([
      { type: 'tool.output', callId: 'w', output: { status: 'ok', result: {} } },
    ]);
    expect(interpreter.stage).toBe('jammed');
  });
});
