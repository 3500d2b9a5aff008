import { describe, expect, it } from 'vitest';
import { CONTEXT_BLOCK_LIMITS } from '../../engine/interpreter/render-stage.js';
import { CALL, flowOf, loadFixture, only, startTestCall, typesOf } from '../helpers/call-harness.js';

const dental = loadFixture('interpreter/dental-outreach.yaml');
const router = loadFixture('interpreter/after-hours-router.yaml');
const PATIENT = { found: true, firstName: 'Maria', dependents: [{ name: 'Tony' }, { name: 'Paula' }] };

/** The dental call, past its onStart lookup, in `greeting`. */
function dentalInGreeting() {
  const call = startTestCall(dental);
  const entered = call.interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: PATIENT });
  return { ...call, entered };
}

describe('start: onStart injects context before the first word', () => {
  it('runs onStart first and enters the first stage only when it has finished', () => {
    const { started, interpreter } = startTestCall(dental);
    expect(started).toEqual([
      {
        type: 'tool.run',
        callId: 'onStart-1',
        tool: 'lookup_patient',
        use: 'crm.lookupContact',
        args: { phone: CALL.to },
        timeoutMs: 8000,
        fillerAfterMs: 1500,
        origin: 'onStart',
      },
    ]);
    expect(interpreter.status).toBe('starting');
    expect(interpreter.stage).toBeNull();

    const entered = interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: true, result: PATIENT });
    expect(typesOf(entered)).toEqual(['session.update', 'respond', 'transition']);
    const update = only(entered, 'session.update');
    expect(update.instructions).toContain('calling from Jefferson Dental about Medicaid dental benefits for Maria.');
    expect(update.instructions).toContain('You are calling about Tony and Paula.');
    expect(only(entered, 'transition')).toEqual({
      type: 'transition',
      from: null,
      to: 'greeting',
      trigger: { kind: 'start' },
      contextDiff: { patient: PATIENT },
      at: CALL.startedAt,
    });
    expect(interpreter.status).toBe('running');
    expect(interpreter.stage).toBe('greeting');
  });

  it('enters the first stage even when an onStart action fails', () => {
    const { interpreter } = startTestCall(dental);
    const entered = interpreter.send({ type: 'tool.result', callId: 'onStart-1', ok: false, error: { code: 'TIMEOUT', message: 'slow' } });
    expect(typesOf(entered)).toEqual(['session.update', 'respond', 'transition']);
    expect(only(entered, 'session.update').instructions).toContain('for the family.');
  });
});

describe('the stage-entry procedure', () => {
  it('sends exactly one session.update (instructions, tools, voice, model, history), then speaks, then records', () => {
    const { entered } = dentalInGreeting();
    const update = only(entered, 'session.update');
    expect(update).toMatchObject({ stage: 'greeting', voice: 'marin', model: 'gpt-realtime', history: 'keep' });
    expect(update.tools.map((tool) => tool.name)).toEqual(['go_reassure', 'go_scheduling', 'go_closing', 'go_emergency', 'go_human']);
    expect(update.tools[1]!.parameters).toEqual({
      type: 'object',
      properties: { parentName: { type: 'string', minLength: 1 } },
      required: ['parentName'],
      additionalProperties: false,
    });
    expect(only(entered, 'respond')).toEqual({ type: 'respond', reason: 'stage' });
  });

  it('renders instructions as agent instructions, the guidance chain (outer group first) and the context block', () => {
    const { interpreter } = dentalInGreeting();
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_scheduling', arguments: '{"parentName":"Maria"}' }] });
    const update = only(effects, 'session.update');
    expect(update.stage).toBe('availability');
    const sections = update.instructions.split('\n\n');
    expect(sections).toEqual([
      expect.stringMatching(/^You are Sophia/),
      'You are scheduling a visit for the children.',
      'Ask which day suits them and check availability.',
      'Known so far in this call:\n- parentName: "Maria"',
    ]);
    // What the lookup loaded (`patient`) reaches the model only through the templates.
    expect(update.instructions).not.toContain('dependents"');
    expect(update.tools.map((tool) => tool.name)).toEqual(['check_availability', 'go_closing', 'go_emergency', 'go_human']);
    expect(interpreter.instructions).toBe(update.instructions);
    expect(interpreter.tools).toEqual(update.tools);
  });

  it('caps the context block', () => {
    const collect = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, { type: 'string' }]));
    const flow = flowOf({ a: { next: [{ to: 'b', intent: 'Go.', collect }] }, b: {} });
    const { interpreter } = startTestCall(flow);
    const args = Object.fromEntries(Object.keys(collect).map((key) => [key, 'x'.repeat(500)]));
    const block = only(interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_b', arguments: args }] }), 'session.update').instructions.split('\n\n').at(-1)!;
    expect(block.startsWith('Known so far in this call:')).toBe(true);
    const lines = block.split('\n').slice(1);
    expect(lines.length).toBeLessThanOrEqual(CONTEXT_BLOCK_LIMITS.entries);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(CONTEXT_BLOCK_LIMITS.valueChars + 10);
    expect(block.length).toBeLessThanOrEqual(CONTEXT_BLOCK_LIMITS.totalChars + 40);
  });

  it('carries the stage’s history strategy and honours speaksFirst and firstSpeaker', () => {
    const flow = flowOf(
      {
        open: { guidance: 'Wait for the caller.', next: [{ to: 'fresh', intent: 'Next.' }] },
        fresh: { history: 'reset', speaksFirst: false, next: [{ to: 'talk', intent: 'Next.' }] },
        talk: { say: 'Hello {{call.direction}} caller.' },
      },
      { agent: { instructions: 'Agent.', firstSpeaker: 'caller' } },
    );
    const { started, interpreter } = startTestCall(flow);
    expect(typesOf(started)).toEqual(['session.update', 'transition']);
    const fresh = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_fresh', arguments: {} }] });
    expect(typesOf(fresh)).toEqual(['tool.output', 'session.update', 'transition']);
    expect(only(fresh, 'session.update').history).toBe('reset');
    const talk = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c2', name: 'go_talk', arguments: {} }] });
    expect(only(talk, 'respond')).toEqual({ type: 'respond', reason: 'stage', say: 'Hello outbound caller.' });
  });

  it('with firstSpeaker caller, the first talk stage waits even when an action stage routed to it', () => {
    const flow = flowOf(
      { route: { type: 'action', next: [{ to: 'welcome' }] }, welcome: { next: [{ to: 'next', intent: 'Next.' }] }, next: {} },
      { agent: { instructions: 'Agent.', firstSpeaker: 'caller' } },
    );
    const { started, interpreter } = startTestCall(flow);
    expect(typesOf(started)).toEqual(['transition', 'session.update', 'transition']);
    const moved = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_next', arguments: {} }] });
    expect(only(moved, 'respond').reason).toBe('stage');
  });

  it('runs group onEnter before the stage’s, once per entry into the group, in order', () => {
    const flow = flowOf({
      g: {
        type: 'group',
        onEnter: [{ set: { entries: '$exists(entries) ? entries + 1 : 1' } }, { set: { order: '"group"' } }],
        stages: {
          a: { onEnter: [{ set: { order: 'order & ",a"' } }], next: [{ to: 'b', intent: 'Next.' }] },
          b: { onEnter: [{ set: { order: 'order & ",b"' } }] },
        },
      },
    });
    const { interpreter, started } = startTestCall(flow);
    expect(interpreter.context).toMatchObject({ entries: 1, order: 'group,a' });
    expect(only(started, 'transition').contextDiff).toEqual({ entries: 1, order: 'group,a' });
    const moved = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_b', arguments: {} }] });
    expect(interpreter.context).toMatchObject({ entries: 1, order: 'group,a,b' });
    expect(only(moved, 'transition')).toMatchObject({ from: 'a', to: 'b', contextDiff: { order: 'group,a,b' } });
  });

  describe('group onEnter runs when the call comes into the group from outside it', () => {
    const counting = (name: string) => ({ set: { [name]: `$exists(${name}) ? ${name} + 1 : 1` } });
    const flow = flowOf(
      {
        g: {
          type: 'group',
          onEnter: [counting('groupEntries')],
          stages: {
            a: { onEnter: [counting('aEntries')], next: [{ to: 'out', intent: 'Leave the group.' }] },
            help: { next: [{ to: '$previous', intent: 'Back to where we were.', name: 'resume_inside' }] },
          },
        },
        faq: { next: [{ to: '$previous', intent: 'Back to where we were.' }] },
        out: { next: [{ to: 'a', intent: 'Into the group again.', name: 'again' }] },
      },
      { global: [{ to: 'faq', keywords: ['question'] }, { to: 'help', keywords: ['help'] }] },
    );
    const intent = (name: string) => ({ type: 'model.calls' as const, calls: [{ callId: name, name, arguments: {} }] });

    it('$previous back into a group re-enters the stage (its onEnter runs) but not the group it never left', () => {
      const { interpreter } = startTestCall(flow);
      expect(interpreter.context).toMatchObject({ groupEntries: 1, aEntries: 1 });
      interpreter.send({ type: 'caller.turn', transcript: 'a question first' });
      expect(interpreter.stage).toBe('faq');
      const back = interpreter.send(intent('go_back'));
      expect(interpreter.stage).toBe('a');
      expect(interpreter.context).toMatchObject({ groupEntries: 1, aEntries: 2 });
      expect(only(back, 'transition')).toMatchObject({ from: 'faq', to: 'a', contextDiff: { aEntries: 2 } });
    });

    it('a global transition between two stages of one group does not re-enter the group, nor does the way back', () => {
      const { interpreter } = startTestCall(flow);
      interpreter.send({ type: 'caller.turn', transcript: 'help' });
      expect(interpreter.stage).toBe('help');
      interpreter.send(intent('resume_inside'));
      expect(interpreter.stage).toBe('a');
      expect(interpreter.context).toMatchObject({ groupEntries: 1, aEntries: 2 });
    });

    it('leaving the group by an ordinary transition and coming back runs its onEnter again', () => {
      const { interpreter } = startTestCall(flow);
      interpreter.send(intent('go_out'));
      interpreter.send(intent('again'));
      expect(interpreter.stage).toBe('a');
      expect(interpreter.context).toMatchObject({ groupEntries: 2, aEntries: 2 });
    });
  });

  it('inherits group transitions: a group intent is taken from a nested stage', () => {
    const { interpreter } = dentalInGreeting();
    interpreter.send({ type: 'model.calls', calls: [{ callId: 'c1', name: 'go_scheduling', arguments: { parentName: 'Maria' } }] });
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c2', name: 'go_closing', arguments: {} }] });
    expect(only(effects, 'transition')).toMatchObject({ from: 'availability', to: 'closing', trigger: { kind: 'intent', name: 'go_closing' } });
  });
});

describe('stage kinds', () => {
  it('action: runs its tools with no model turn and routes on their outcome before any session.update', () => {
    const { started, interpreter } = startTestCall(router);
    expect(started).toEqual([expect.objectContaining({ type: 'tool.run', tool: 'check_on_call', origin: 'onEnter', timeoutMs: 3000 })]);
    const effects = interpreter.send({ type: 'tool.result', callId: started[0]!.type === 'tool.run' ? started[0].callId : '', ok: true, result: { status: 200, body: { available: true } } });
    expect(typesOf(effects)).toEqual(['transition', 'session.update', 'respond', 'timer.start', 'transition']);
    expect(effects[0]).toMatchObject({ from: null, to: 'route', trigger: { kind: 'start' }, contextDiff: { technicianAvailable: true } });
    expect(effects[4]).toMatchObject({ from: 'route', to: 'menu', trigger: { kind: 'tool', tool: 'check_on_call', outcome: 'done' } });
    expect(only(effects, 'respond').say).toBe('For a no-heat emergency press 1, to leave a message press 2.');
  });

  it('action: falls through to a trigger-less transition when no tool route fires', () => {
    const { interpreter } = startTestCall(router);
    const effects = interpreter.send({ type: 'tool.result', callId: 'onEnter-1', ok: true, result: { status: 200, body: { available: false } } });
    expect(only(effects.filter((e) => e.type === 'transition').slice(-1), 'transition')).toMatchObject({ from: 'route', to: 'voicemail', trigger: { kind: 'when', expression: 'true' } });
  });

  it('action: a stage with no way on reports CALL_ACTION_STAGE_STUCK and goes to onError', () => {
    const flow = flowOf(
      {
        check: { type: 'action', onEnter: [{ run: 'ping' }], next: [{ to: 'ok', on: 'ping.done' }] },
        ok: {},
        sorry: { type: 'end', say: 'Sorry, goodbye.' },
      },
      { tools: { ping: { use: 'http.get' } }, onError: 'sorry' },
    );
    const { interpreter } = startTestCall(flow);
    const effects = interpreter.send({ type: 'tool.result', callId: 'onEnter-1', ok: false, error: { code: 'E', message: 'down' } });
    expect(typesOf(effects)).toEqual(['transition', 'error', 'session.update', 'respond', 'hangup', 'transition']);
    expect(only(effects, 'error').code).toBe('CALL_ACTION_STAGE_STUCK');
    expect(effects.at(-1)).toMatchObject({ from: 'check', to: 'sorry', trigger: { kind: 'error' } });
  });

  it('end: says goodbye, then hangs up, with no tools', () => {
    const { interpreter } = dentalInGreeting();
    const effects = interpreter.send({ type: 'model.calls', calls: [{ callId: 'c', name: 'go_closing', arguments: {} }] });
    expect(typesOf(effects)).toEqual(['tool.output', 'session.update', 'respond', 'hangup', 'transition']);
    expect(only(effects, 'session.update').tools).toEqual([]);
    expect(only(effects, 'respond')).toEqual({ type: 'respond', reason: 'stage', say: 'Thank you for your time. Goodbye!' });
  });

  it('transfer: announces, then transfers to the rendered destination', () => {
    const { interpreter } = dentalInGreeting();
    const effects = interpreter.send({ type: 'dtmf', digits: '0' });
    expect(typesOf(effects)).toEqual(['session.update', 'respond', 'transfer', 'transition']);
    expect(only(effects, 'transfer')).toEqual({ type: 'transfer', to: '+15125550199' });
    expect(only(effects, 'respond').say).toBe("I'm transferring you to our team now.");
    expect(only(effects, 'transition').trigger).toEqual({ kind: 'dtmf', digits: '0' });
  });
});
