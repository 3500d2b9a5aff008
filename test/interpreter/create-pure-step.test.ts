import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import { createPureStep } from '../../engine/interpreter/create-pure-step.js';
import { intentEventType, machineEvent, MachineEventType, toolEventType } from '../../engine/interpreter/machine-events.js';
import { createContextWriter, createMachineImplementations, type ImplementationHooks } from '../../engine/interpreter/machine-implementations.js';
import { loadFixture } from '../helpers/flow-fixtures.js';

describe('createPureStep', () => {
  it('computes exactly what XState’s transition() computes, step after step', () => {
    const compiled = compileFlow(loadFixture('interpreter/dental-outreach.yaml'));
    const hooks: ImplementationHooks = { reportError: () => {}, recordMatch: () => {} };
    const machine = compiled.machine.provide(createMachineImplementations(compiled, hooks, createContextWriter(compiled, hooks)) as never);
    const step = createPureStep(machine);
    const origin = (stage: string | null, interrupted = false) => ({ stage, interrupted });
    const events = [
      machineEvent(MachineEventType.started, 1, origin(null)),
      machineEvent(MachineEventType.assign, 2, origin('greeting'), { values: [['patient', { found: true, dependents: [] }]] }),
      machineEvent(intentEventType('go_scheduling'), 3, origin('greeting'), { args: { parentName: 'Maria' } }),
      machineEvent(MachineEventType.turn, 4, origin('availability'), { transcript: 'it is swelling' }),
      machineEvent(intentEventType('go_back'), 5, origin('emergency', true), { args: {} }),
      machineEvent(toolEventType('check_availability', 'done'), 6, origin('availability'), { args: {}, result: {} }),
      machineEvent(MachineEventType.assign, 7, origin('availability'), { values: [['slots', ['9:00']]] }),
      machineEvent(toolEventType('check_availability', 'done'), 8, origin('availability'), { args: {}, result: {} }),
      machineEvent(MachineEventType.dtmf, 9, origin('booking'), { buffer: '0' }),
      machineEvent(MachineEventType.end, 10, origin('human')),
    ];
    let ours = initialTransition(machine, { vars: { attempts: 0 } })[0];
    let theirs = ours;
    const values: unknown[] = [];
    for (const event of events) {
      const [nextOurs, ourActions] = step(ours, event);
      const [nextTheirs, theirActions] = transition(machine, theirs, event as never);
      expect(nextOurs.value).toEqual(nextTheirs.value);
      expect(nextOurs.context).toEqual(nextTheirs.context);
      expect(ourActions.map(({ type, params }) => ({ type, params }))).toEqual(theirActions.map(({ type, params }) => ({ type, params })));
      values.push(nextOurs.value);
      [ours, theirs] = [nextOurs, nextTheirs];
    }
    // The sequence really moves through the flow, interruption and return included.
    expect(values).toEqual([
      { running: 'greeting' },
      { running: 'greeting' },
      { running: { scheduling: 'availability' } },
      { running: 'emergency' },
      { running: { scheduling: 'availability' } },
      { running: { scheduling: 'availability' } },
      { running: { scheduling: 'availability' } },
      { running: { scheduling: 'booking' } },
      { running: 'human' },
      'ending',
    ]);
  });
});
