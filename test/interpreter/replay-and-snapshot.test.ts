import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../engine/errors/parley-error.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import type { Effect, InterpreterEvent } from '../../engine/interpreter/call-types.js';
import { type CallInterpreter, createCallInterpreter } from '../../engine/interpreter/create-call-interpreter.js';
import type { CallSnapshot } from '../../engine/interpreter/interpreter-state.js';
import { createManualClock } from '../../engine/util/clock.js';
import { CALL, loadFixture, only, typesOf } from '../helpers/call-harness.js';

const compiled = compileFlow(loadFixture('interpreter/dental-outreach.yaml'));

/** A whole call: events, with the clock moving between them. Timer keys are read from earlier effects. */
type Step = { advance?: number; event: InterpreterEvent | ((previous: Effect[]) => InterpreterEvent) };

const timerFrom = (fragment: string) => (previous: Effect[]): InterpreterEvent => {
  const timer = previous.filter((effect) => effect.type === 'timer.start').find((effect) => effect.key.includes(fragment));
  if (!timer) throw new Error(`no timer ${fragment} in ${JSON.stringify(previous)}`);
  return { type: 'timer', key: timer.key };
};

const SCRIPT: Step[] = [
  { advance: 300, event: { type: 'tool.result', callId: 'onStart-1', ok: true, result: { found: true, firstName: 'Maria', dependents: [{ name: 'Tony' }] } } },
  { advance: 4000, event: { type: 'agent.turnEnded' } },
  { advance: 8000, event: timerFrom('/reprompt') },
  { advance: 1000, event: { type: 'caller.speechStarted' } },
  { advance: 2500, event: { type: 'caller.turn', transcript: 'Yes, this is his mother.' } },
  { advance: 700, event: { type: 'model.calls', calls: [{ callId: 'm1', name: 'go_scheduling', arguments: '{"parentName":"Maria"}' }] } },
  { advance: 3000, event: { type: 'model.calls', calls: [{ callId: 'm2', name: 'check_availability', arguments: '{"date":"2026-01-06"}' }, { callId: 'm3', name: 'book_appointment', arguments: '{}' }] } },
  { advance: 900, event: { type: 'caller.turn', transcript: 'oh no, his gum is swelling' } },
  { advance: 400, event: { type: 'tool.result', callId: 'm2', ok: true, result: { slots: [{ start: '2026-01-06T09:00:00-06:00', label: 'Tuesday, January 6 at 9:00 AM' }] } } },
  { advance: 6000, event: { type: 'model.calls', calls: [{ callId: 'm4', name: 'go_back', arguments: {} }] } },
  { advance: 2000, event: { type: 'model.calls', calls: [{ callId: 'm5', name: 'check_availability', arguments: { date: '2026-01-06' } }] } },
  { advance: 1100, event: { type: 'tool.result', callId: 'm5', ok: true, result: { slots: [{ start: '2026-01-06T09:00:00-06:00', label: 'Tuesday, January 6 at 9:00 AM' }] } } },
  { advance: 5000, event: { type: 'model.calls', calls: [{ callId: 'm6', name: 'book_appointment', arguments: { start: '2026-01-06T09:00:00-06:00' } }] } },
  { advance: 800, event: { type: 'tool.result', callId: 'm6', ok: true, result: { bookingId: 'BK-7F3K2Q', start: '2026-01-06T09:00:00-06:00' } } },
  { advance: 9000, event: { type: 'model.calls', calls: [{ callId: 'm7', name: 'wrap_up', arguments: {} }] } },
  { advance: 3000, event: { type: 'call.ended', reason: 'agent-hangup' } },
  { advance: 200, event: { type: 'tool.result', callId: 'onEnd-2', ok: true, result: {} } },
];

interface Run {
  effects: Effect[][];
  snapshots: CallSnapshot[];
  interpreter: CallInterpreter;
}

/** Runs the script from `from` on; `resume` continues from a snapshot taken after step `from - 1`. */
function play(options: { from?: number; resume?: CallSnapshot; clockAt?: number; history?: Effect[] } = {}): Run {
  const clock = createManualClock(options.clockAt ?? Date.parse(CALL.startedAt));
  const interpreter = createCallInterpreter(compiled, { call: CALL, clock, ...(options.resume ? { snapshot: options.resume } : {}) });
  const effects: Effect[][] = [];
  const snapshots: CallSnapshot[] = [];
  const seen: Effect[] = [...(options.history ?? [])];
  if (!options.resume) {
    effects.push(interpreter.start());
    seen.push(...effects[0]!);
    snapshots.push(interpreter.snapshot());
  }
  for (const step of SCRIPT.slice(options.from ?? 0)) {
    clock.advance(step.advance ?? 0);
    const event = typeof step.event === 'function' ? step.event(seen) : step.event;
    const out = interpreter.send(event);
    effects.push(out);
    seen.push(...out);
    snapshots.push(interpreter.snapshot());
  }
  return { effects, snapshots, interpreter };
}

describe('deterministic replays', () => {
  it('the same events on the same clock give the same effects and snapshots', () => {
    const a = play();
    const b = play();
    expect(b.effects).toEqual(a.effects);
    expect(b.snapshots).toEqual(a.snapshots);
    // The script reaches the end of the call, through the interruption and back.
    expect(a.interpreter.visited).toEqual(['greeting', 'availability', 'emergency', 'availability', 'booking', 'confirmation', 'closing']);
    expect(only(a.effects.at(-1)!, 'ended').outcome).toEqual({ parentName: 'Maria', attempts: 0, booked: true });
  });

  it('snapshots are plain JSON', () => {
    for (const snapshot of play().snapshots) expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe('snapshot and resume', () => {
  it('resuming from the snapshot after any step gives exactly the effects of the uninterrupted call', () => {
    const whole = play();
    const clockTimes = SCRIPT.reduce<number[]>((times, step) => [...times, times.at(-1)! + (step.advance ?? 0)], [Date.parse(CALL.startedAt)]);
    for (let cut = 0; cut < SCRIPT.length; cut++) {
      // snapshots[cut] was taken after start() (cut 0) or after SCRIPT[cut - 1].
      const snapshot = JSON.parse(JSON.stringify(whole.snapshots[cut])) as CallSnapshot;
      const resumed = play({ from: cut, resume: snapshot, clockAt: clockTimes[cut]!, history: whole.effects.slice(0, cut + 1).flat() });
      expect(resumed.effects, `resumed after step ${cut}`).toEqual(whole.effects.slice(cut + 1));
      expect(resumed.interpreter.visited).toEqual(whole.interpreter.visited);
    }
  });

  it('a resumed call knows its stage, context, armed timers and pending tool runs', () => {
    const whole = play();
    // After step 7 (index 6): two tool runs pending in `availability`.
    const resumed = createCallInterpreter(compiled, { call: CALL, snapshot: whole.snapshots[7]! });
    expect(resumed.status).toBe('running');
    expect(resumed.stage).toBe('availability');
    expect(resumed.context.parentName).toBe('Maria');
    expect(resumed.pendingToolRuns.map((run) => run.callId)).toEqual(['m2']);
    expect(resumed.instructions).toContain('Ask which day suits them');
  });

  it('refuses a snapshot of another flow version', () => {
    const snapshot = play().snapshots[3]!;
    const changed = compileFlow({ ...loadFixture('interpreter/dental-outreach.yaml'), name: 'Changed' });
    let code = '';
    try {
      createCallInterpreter(changed, { call: CALL, snapshot });
    } catch (error) {
      if (isParleyError(error)) code = error.code;
    }
    expect(code).toBe('CALL_SNAPSHOT_INVALID');
  });
});

describe('reapplyStage', () => {
  it('re-emits the current stage’s session.update and nothing else', () => {
    const run = play({});
    const clock = createManualClock(Date.parse(CALL.startedAt));
    const interpreter = createCallInterpreter(compiled, { call: CALL, clock, snapshot: run.snapshots[6]! });
    const again = interpreter.reapplyStage();
    expect(typesOf(again)).toEqual(['session.update']);
    const original = run.effects[6]!.find((effect) => effect.type === 'session.update');
    expect(again[0]).toEqual(original);
    expect(interpreter.visited).toEqual(run.snapshots[6]!.interpreter.visited);
  });
});
