/**
 * Runs one case through the real engine, offline: a fresh engine and store
 * (startCaseCall), the fake realtime server playing the model from the
 * case's actions (ModelPlayer), the Twilio call simulator playing the caller
 * on a call clock (CallDriver). Turn by turn: the model's actions for the
 * turn are armed, the caller acts, the call runs until it waits for the
 * caller again, and the turn's expectations are checked against the
 * interpreter, the call record, the texts sent and the connectors' data.
 * After the last turn the caller hangs up if the call still runs (so `onEnd`
 * runs and the outcome exists), and the case's own expectations are checked
 * over the whole call. Violations and flow errors no turn expects fail it.
 */
import { describeCallEvent } from '../cli/describe-call-event.js';
import type { ErrorCode } from '../errors/catalog.js';
import { isParleyError } from '../errors/parley-error.js';
import type { SourcePosition } from '../flow/finding.js';
import type { CallEvent } from '../store/call-event.js';
import type { Flow } from '../types/flow.generated.js';
import type { Expectations } from '../types/flow-test.generated.js';
import type { DriverLimits } from './call-driver.js';
import { checkExpectations, type Observation } from './check-expectations.js';
import type { CaseFailure, CaseResult } from './flow-test-results.js';
import type { LoadedFlowTest } from './load-flow-test-file.js';
import type { PreparedCase, PreparedTurn } from './prepare-flow-tests.js';
import { startPlayedCall, type PlayedCall } from './played-call.js';

/** How a case runs. */
export interface RunCaseOptions {
  /** Bounds of the driver's waits (tests shorten them). */
  limits?: Partial<DriverLimits>;
}

/** A turn's slice of the call: which events and texts it produced. */
interface TurnSlice {
  turn: PreparedTurn | undefined;
  events: CallEvent[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Runs a prepared case of a flow; never throws (a call that breaks is a failure). */
export async function runFlowTestCase(flow: Flow, testCase: PreparedCase, test: LoadedFlowTest, options: RunCaseOptions = {}): Promise<CaseResult> {
  const startedAt = performance.now();
  const result: CaseResult = { name: testCase.name, status: 'passed', failures: [], stages: [], transitions: [], durationMs: 0 };
  const positionOf = (pointer: string): SourcePosition | undefined => test.anchorOf(pointer);
  const failure = (code: ErrorCode, message: string, extra: Partial<CaseFailure> = {}): CaseFailure => {
    const position = extra.pointer !== undefined ? positionOf(extra.pointer) : undefined;
    return { code, message, ...extra, ...(position ? { position } : {}) };
  };
  if (testCase.skip !== undefined) return { ...result, status: 'skipped', skipReason: testCase.skip };
  if (testCase.problems.length > 0) {
    return {
      ...result,
      status: 'failed',
      failures: testCase.problems.map((problem) => ({ code: problem.code, message: `${problem.message} ${problem.hint ?? ''}`.trim(), pointer: problem.pointer, ...(problem.position ? { position: problem.position } : {}) })),
    };
  }

  let played: PlayedCall | undefined;
  const slices: TurnSlice[] = [];
  try {
    played = await startPlayedCall(flow, testCase, options.limits ? { limits: options.limits } : {});
    const { call, realtime, player, driver, readEvents } = played;
    const { session, callId } = call;
    const calls = call.engine.repositories.calls;
    const twilioRest = call.twilioRest;
    const connectors = call.connectors;
    const observe = async (events: CallEvent[], smsFrom: number): Promise<Observation> => ({
      events,
      sms: twilioRest.messages.slice(smsFrom),
      flow: session.flowState,
      record: await calls.get(callId),
      invoke: (use, input) => connectors.invoke(use, input),
    });
    const check = async (expect: Expectations | undefined, pointer: string, events: CallEvent[], smsFrom: number, turn?: PreparedTurn) => {
      if (!expect) return;
      const stage = session.flowState.stage;
      for (const failed of await checkExpectations(expect, await observe(events, smsFrom))) {
        result.failures.push(
          failure('FLOW_TEST_EXPECTATION', failed.message, {
            ...(turn ? { turn: turn.index + 1, turnLabel: turn.label } : {}),
            stage,
            expected: failed.expected,
            actual: failed.actual,
            pointer: `${pointer}${failed.pointer}`,
          }),
        );
      }
    };

    // The call's first words belong to the first turn when the caller takes no part in it.
    const first = testCase.turns[0]!;
    if (first.caller === undefined) player.begin(first);
    await driver.settle('the start of the call');
    if (first.caller !== undefined) slices.push({ turn: undefined, events: await readEvents() });

    for (const turn of testCase.turns) {
      // A first turn without a caller action is the call's first words, which already ran: check
      // it even when the call ended during them (an end stage reached before anyone spoke).
      const firstWords = turn === first && first.caller === undefined;
      if (driver.over && !firstWords) {
        result.failures.push(failure('FLOW_TEST_EXPECTATION', `this turn did not run: the call was already over (it ended by ${(await calls.get(callId)).endReason ?? 'no reason'})`, { turn: turn.index + 1, turnLabel: turn.label, stage: session.flowState.stage, pointer: turn.pointer }));
        break;
      }
      // Texts sent as the call started belong to its first words.
      const smsFrom = firstWords ? 0 : twilioRest.messages.length;
      if (!firstWords) player.begin(turn);
      await played.callerActs(turn.caller);
      await driver.settle(`${testCase.name}, ${turn.label}`);
      if (driver.over) await driver.finished();
      const events = await readEvents();
      slices.push({ turn, events });
      for (const unused of player.end()) {
        const responses = player.responsesOf(turn.index);
        result.failures.push(
          failure('FLOW_TEST_MODEL_ACTION', `the model was to ${describeStep(unused)}, but the engine asked for ${responses.length === 0 ? 'no response' : `only ${plural(responses.length, 'response')} (${responses.map((r) => r.purpose).join(', ')})`} in this turn`, {
            turn: turn.index + 1,
            turnLabel: turn.label,
            stage: session.flowState.stage,
            pointer: unused.pointer,
          }),
        );
      }
      await check(turn.expect, `${turn.pointer}/expect`, events, smsFrom, turn);
    }

    // The end: hang up a call that still runs, so onEnd runs and the outcome exists.
    if (!driver.over) {
      await driver.hangUp();
      await driver.finished();
      slices.push({ turn: undefined, events: await readEvents() });
    } else {
      await driver.finished();
      const rest = await readEvents();
      if (rest.length > 0) slices.at(-1)!.events.push(...rest);
    }
    const all = slices.flatMap((slice) => slice.events);
    await check(testCase.expect, `${testCase.pointer}/expect`, all, 0);

    for (const problem of player.problems) {
      const turn = problem.turn === undefined ? undefined : testCase.turns[problem.turn];
      result.failures.push(failure('FLOW_TEST_MODEL_ACTION', problem.message, { ...(turn ? { turn: turn.index + 1, turnLabel: turn.label } : {}), pointer: problem.pointer }));
    }
    result.failures.push(...unexpectedProblems(slices, failure));
    for (const issue of realtime.issues) {
      // The engine broke the Realtime protocol (a function the stage did not offer is a violation, reported above).
      if (issue.kind === 'tool-not-offered') continue;
      result.failures.push(failure('FLOW_TEST_CALL_FAILED', `the engine broke the Realtime protocol: ${issue.kind}: ${issue.message}`));
    }
    for (const event of all) {
      if (event.kind !== 'transition') continue;
      result.stages.push(event.data.to);
      if (event.data.pointer) result.transitions.push(event.data.pointer);
    }
    if (result.failures.length > 0) result.timeline = all.flatMap((event) => describeCallEvent(event) ?? []);
  } catch (error) {
    const call = played?.call;
    const message = isParleyError(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    const code: ErrorCode = isParleyError(error) && error.code === 'FLOW_TEST_SETUP_FAILED' ? 'FLOW_TEST_SETUP_FAILED' : 'FLOW_TEST_CALL_FAILED';
    result.failures.push(failure(code, message, { ...(call ? { stage: call.session.flowState.stage } : {}) }));
    if (call) {
      const events = await call.engine.repositories.calls.listEvents(call.callId).catch(() => ({ items: [] as CallEvent[] }));
      result.timeline = events.items.flatMap((event) => describeCallEvent(event) ?? []);
    }
  } finally {
    await played?.close();
  }
  result.status = result.failures.length > 0 ? 'failed' : 'passed';
  result.durationMs = Math.round(performance.now() - startedAt);
  return result;
}

function describeStep(step: PreparedTurn['agent'][number]): string {
  const parts: string[] = [];
  if (step.says !== undefined) parts.push(`say "${step.says.length > 40 ? `${step.says.slice(0, 39)}…` : step.says}"`);
  if (step.calls.length > 0) parts.push(`call ${step.calls.map((c) => `\`${c.name}\``).join(', ')}`);
  return parts.join(' then ');
}

/** Violations and flow errors no turn expects, each named with the turn it happened in. */
function unexpectedProblems(slices: TurnSlice[], failure: (code: ErrorCode, message: string, extra?: Partial<CaseFailure>) => CaseFailure): CaseFailure[] {
  const failures: CaseFailure[] = [];
  for (const { turn, events } of slices) {
    const expectedViolations = [...(turn?.expect?.violations ?? [])].map((v) => (typeof v === 'string' ? { name: v } : v));
    const expectedErrors = [...(turn?.expect?.errors ?? [])];
    const where = turn ? { turn: turn.index + 1, turnLabel: turn.label } : {};
    for (const event of events) {
      if (event.kind === 'violation') {
        const at = expectedViolations.findIndex((v) => (v.name === undefined || v.name === event.data.name) && (v.code === undefined || v.code === event.data.code));
        if (at >= 0) {
          expectedViolations.splice(at, 1);
          continue;
        }
        failures.push(failure('FLOW_TEST_UNEXPECTED_PROBLEM', `the engine refused \`${event.data.name}\` (${event.data.code}): ${event.data.message}`, { ...where, ...(turn ? { pointer: turn.pointer } : {}) }));
      }
      const code = event.kind === 'note' && typeof event.data.code === 'string' ? event.data.code : event.kind === 'outcome' && event.data.errors?.length ? 'CALL_OUTCOME_INVALID' : undefined;
      if (!code) continue;
      const at = expectedErrors.indexOf(code);
      if (at >= 0) {
        expectedErrors.splice(at, 1);
        continue;
      }
      const text = event.kind === 'note' ? event.data.text : `the outcome does not fit outcome.schema: ${event.kind === 'outcome' ? (event.data.errors ?? []).join('; ') : ''}`;
      failures.push(failure('FLOW_TEST_UNEXPECTED_PROBLEM', `the call recorded ${code}: ${text}`, { ...where, ...(turn ? { pointer: turn.pointer } : {}) }));
    }
    for (const missing of expectedViolations) {
      failures.push(failure('FLOW_TEST_EXPECTATION', `expected the engine to refuse ${missing.name ? `\`${missing.name}\`` : 'a call'}${missing.code ? ` (${missing.code})` : ''}, but it did not`, { ...where, ...(turn ? { pointer: `${turn.pointer}/expect/violations` } : {}) }));
    }
    for (const missing of expectedErrors) {
      failures.push(failure('FLOW_TEST_EXPECTATION', `expected the call to record ${missing}, but it did not`, { ...where, ...(turn ? { pointer: `${turn.pointer}/expect/errors` } : {}) }));
    }
  }
  return failures;
}
