import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../engine/errors/parley-error.js';
import { agent, caller, createConversationScript, type ScriptStep, type StepProgress } from '../../engine/testing/conversation-script.js';

describe('conversation script', () => {
  it('builds readable steps', () => {
    expect(agent.says('Hello')).toEqual({ kind: 'agent', turn: { say: 'Hello' }, label: 'agent says "Hello"' });
    expect(agent.calls('go_scheduling', { parentName: 'Maria' }, { callId: 'call_1' })).toEqual({
      kind: 'agent',
      turn: { calls: [{ name: 'go_scheduling', arguments: { parentName: 'Maria' }, callId: 'call_1' }] },
      label: 'agent calls go_scheduling',
    });
    expect(agent.saysThenCalls('One moment.', 'check_availability').turn).toEqual({ say: 'One moment.', calls: [{ name: 'check_availability', arguments: {} }] });
    expect(agent.drops({ afterAudioMs: 200 }).turn).toEqual({ fail: { kind: 'drop', afterAudioMs: 200 } });
    expect(caller.says('Actually, wait', { interruptAfterMs: 800 }).label).toBe('caller interrupts "Actually, wait"');
    expect(caller.presses('0').action).toEqual({ dtmf: '0' });
  });

  it('refuses steps it cannot run, naming the step', () => {
    const bad: Array<[unknown, string]> = [
      [{ kind: 'robot' }, 'Script step 1: unknown kind "robot"; build steps with agent.* and caller.*'],
      [{ kind: 'caller', action: { say: '  ' }, label: '' }, 'Script step 1: a caller line needs words'],
      [{ kind: 'caller', action: { dtmf: '12a' }, label: '' }, 'Script step 1: "12a" is not keypad digits (0-9, *, #)'],
      [{ kind: 'agent', turn: { calls: [{ name: '' }] }, label: '' }, 'Script step 1: every call needs a function name'],
      [{ kind: 'agent', turn: { wait: 'soon' }, label: '' }, 'Script step 1: "wait" is a number of milliseconds or { gate: "name" }'],
    ];
    for (const [step, message] of bad) {
      let thrown: unknown;
      try {
        createConversationScript([agent.says('ok'), step as ScriptStep]);
      } catch (error) {
        thrown = error;
      }
      expect(isParleyError(thrown) && thrown.code).toBe('TEST_SCRIPT_INVALID');
      expect((thrown as Error).message).toBe(message);
    }
  });

  it('hands agent steps and caller lines out in order and reports progress', async () => {
    const script = createConversationScript([agent.says('A'), caller.says('one'), caller.presses('5'), agent.calls('x'), caller.says('two')]);
    const seen: string[] = [];
    script.onProgress((p: StepProgress) => seen.push(`${p.index}:${p.status}`));
    const doneA = script.whenStep(0, 'done');
    expect(script.takeAgentStep('resp_1')).toMatchObject({ index: 0 });
    expect(script.unheardLinesBefore(3)).toEqual([1]);
    expect(script.takeCallerLine()).toMatchObject({ index: 1, step: { action: { say: 'one' } } });
    expect(script.unheardLinesBefore(3)).toEqual([]);
    script.finishAgentStep(0, 'completed');
    expect(await doneA).toMatchObject({ index: 0, status: 'done', responseId: 'resp_1', responseStatus: 'completed' });
    expect(script.agentStepsLeft).toBe(1);
    expect(script.takeAgentStep('resp_2')).toMatchObject({ index: 3 });
    expect(script.takeAgentStep('resp_3')).toBeUndefined();
    expect(script.takeCallerLine()).toMatchObject({ index: 4 });
    expect(script.takeCallerLine()).toBeUndefined();
    script.finishCallerStep(2);
    expect(seen).toEqual(['0:started', '1:heard', '0:done', '3:started', '4:heard', '2:done']);
    expect(script.describe()).toContain('2. [done] caller presses 5');
  });
});
