/**
 * A turn's (or a whole case's) expectations against what the call did: the
 * interpreter's stage and context, the call record's events (stages entered,
 * tool runs, what the agent said), the texts the fake Twilio REST API took,
 * the call document (how it ended, its outcome) and, for `connectors`, fresh
 * reads of the connectors' data. Each failed expectation says what was
 * expected and what was there, and where it is written.
 */
import type { InvokeResult } from '../connectors/connector-host.js';
import type { CallEvent } from '../store/call-event.js';
import type { CallRecord } from '../store/call-repository.js';
import type { FakeMessage } from '../testing/fake-twilio-rest.js';
import type { Expectations } from '../types/flow-test.generated.js';
import { matchValue, readPath, showValue, type Mismatch } from './match-value.js';

/** What the call did, as far as a set of expectations looks. */
export interface Observation {
  /** Events recorded during the turn (or the whole call). */
  events: readonly CallEvent[];
  /** Texts sent during the turn (or the whole call). */
  sms: readonly FakeMessage[];
  /** The interpreter's state now. */
  flow: { stage: string | null; context: Readonly<Record<string, unknown>> };
  /** The call document now. */
  record: CallRecord;
  /** Runs a connector operation (for `connectors`). */
  invoke(use: string, input: Record<string, unknown>): Promise<InvokeResult>;
}

/** One expectation that did not hold. */
export interface FailedExpectation {
  /** Pointer of the expectation, relative to the `expect` mapping (`/stage`, `/context/booking.bookingId`). */
  pointer: string;
  message: string;
  expected: string;
  actual: string;
}

const quote = (name: string) => `\`${name}\``;
const describeMismatches = (mismatches: Mismatch[]) => mismatches.map((m) => `${m.path ? `\`${m.path}\` ` : ''}expected ${m.expected}, got ${m.actual}`).join('; ');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function toolLine(event: Extract<CallEvent, { kind: 'tool' }>): string {
  return `${event.data.name} ${showValue(event.data.args, 80)} → ${event.data.status}`;
}

/** Checks every expectation; returns those that did not hold, in the order written. */
export async function checkExpectations(expect: Expectations, observed: Observation): Promise<FailedExpectation[]> {
  const failures: FailedExpectation[] = [];
  const fail = (pointer: string, message: string, expected: string, actual: string) => failures.push({ pointer, message, expected, actual });
  const transitions = observed.events.filter((e): e is Extract<CallEvent, { kind: 'transition' }> => e.kind === 'transition');
  const tools = observed.events.filter((e): e is Extract<CallEvent, { kind: 'tool' }> => e.kind === 'tool');
  const ended = observed.record.status === 'ended' || observed.record.status === 'failed' || observed.record.status === 'interrupted';

  if (expect.stage !== undefined && observed.flow.stage !== expect.stage) {
    fail('/stage', `expected stage ${quote(expect.stage)}, but the call is in ${observed.flow.stage === null ? 'no stage' : quote(observed.flow.stage)}`, expect.stage, String(observed.flow.stage));
  }

  if (expect.entered !== undefined) {
    const entered = transitions.map((t) => t.data.to);
    if (JSON.stringify(entered) !== JSON.stringify(expect.entered)) {
      const show = (list: readonly string[]) => (list.length === 0 ? 'no stage' : list.join(' → '));
      fail('/entered', `expected to enter ${show(expect.entered)}, but entered ${show(entered)}`, show(expect.entered), show(entered));
    }
  }

  if (expect.tools !== undefined) {
    if (expect.tools.length === 0 && tools.length > 0) {
      fail('/tools', `expected no tool to run, but ${tools.map(toolLine).join('; ')}`, 'no tool', tools.map((t) => t.data.name).join(', '));
    }
    let cursor = 0;
    expect.tools.forEach((wanted, index) => {
      const at = tools.findIndex(
        (event, i) =>
          i >= cursor &&
          event.data.name === wanted.name &&
          (wanted.status === undefined || event.data.status === wanted.status) &&
          (wanted.with === undefined || matchValue(wanted.with, event.data.args).length === 0) &&
          (wanted.result === undefined || matchValue(wanted.result, event.data.result).length === 0),
      );
      if (at >= 0) {
        cursor = at + 1;
        return;
      }
      const sameName = tools.filter((event, i) => i >= cursor && event.data.name === wanted.name);
      const expected = `${wanted.name}${wanted.with ? ` with ${showValue(wanted.with, 80)}` : ''}${wanted.status ? ` → ${wanted.status}` : ''}${wanted.result ? ` returning ${showValue(wanted.result, 80)}` : ''}`;
      let why: string;
      if (sameName.length > 0) {
        const closest = sameName[0]!;
        const mismatches = [
          ...(wanted.status !== undefined && closest.data.status !== wanted.status ? [{ path: 'status', expected: wanted.status, actual: closest.data.status }] : []),
          ...(wanted.with ? matchValue(wanted.with, closest.data.args).map((m) => ({ ...m, path: `with${m.path ? `.${m.path}` : ''}` })) : []),
          ...(wanted.result ? matchValue(wanted.result, closest.data.result).map((m) => ({ ...m, path: `result${m.path ? `.${m.path}` : ''}` })) : []),
        ];
        why = `it ran with a difference: ${describeMismatches(mismatches)}${closest.data.error ? ` (its error: ${closest.data.error.code}: ${closest.data.error.message})` : ''}`;
      } else {
        why = tools.length === 0 ? 'no tool ran' : `the tools that ran: ${tools.map(toolLine).join('; ')}`;
      }
      fail(`/tools/${index}`, `expected tool ${quote(wanted.name)} to run${wanted.with ? ` with ${showValue(wanted.with, 80)}` : ''}, but ${why}`, expected, sameName.length > 0 ? toolLine(sameName[0]!) : 'not run');
    });
  }

  for (const [path, wanted] of Object.entries(expect.context ?? {})) {
    const actual = readPath(observed.flow.context, path);
    const mismatches = matchValue(wanted, actual, path);
    if (mismatches.length > 0) fail(`/context/${path.replaceAll('~', '~0').replaceAll('/', '~1')}`, `context ${describeMismatches(mismatches)}`, showValue(wanted), showValue(actual));
  }

  if (expect.agentSaid !== undefined) {
    const lines = observed.events.filter((e): e is Extract<CallEvent, { kind: 'transcript' }> => e.kind === 'transcript' && e.data.role === 'agent').map((e) => e.data.text);
    const wanted = Array.isArray(expect.agentSaid) ? expect.agentSaid : [expect.agentSaid];
    wanted.forEach((text, index) => {
      if (lines.some((line) => line.toLowerCase().includes(text.toLowerCase()))) return;
      const said = lines.length === 0 ? 'it said nothing' : `it said: ${lines.map((line) => `"${line.length > 100 ? `${line.slice(0, 99)}…` : line}"`).join(', ')}`;
      fail(Array.isArray(expect.agentSaid) ? `/agentSaid/${index}` : '/agentSaid', `expected the agent to say "${text}", but ${said}`, text, lines.join(' | '));
    });
  }

  if (expect.sms !== undefined) {
    const sent = observed.sms;
    if (sent.length !== expect.sms.length) {
      fail('/sms', `expected ${plural(expect.sms.length, 'text message')}, but ${sent.length === 0 ? 'none was' : `${sent.length} ${sent.length === 1 ? 'was' : 'were'}`} sent${sent.length ? `: ${sent.map((m) => `to ${m.to} "${m.body}"`).join('; ')}` : ''}`, String(expect.sms.length), String(sent.length));
    } else {
      expect.sms.forEach((wanted, index) => {
        const mismatches = matchValue(wanted, sent[index]);
        if (mismatches.length > 0) fail(`/sms/${index}`, `text message ${index + 1}: ${describeMismatches(mismatches)}`, showValue(wanted), showValue({ to: sent[index]!.to, body: sent[index]!.body }));
      });
    }
  }

  for (const [index, check] of (expect.connectors ?? []).entries()) {
    const outcome = await observed.invoke(check.use, (check.with ?? {}) as Record<string, unknown>);
    const wantOk = check.ok ?? true;
    if (outcome.ok !== wantOk) {
      fail(`/connectors/${index}`, `${check.use} was expected to ${wantOk ? 'succeed' : 'fail'}, but it ${outcome.ok ? `returned ${showValue(outcome.result)}` : `failed: ${outcome.error.code}: ${outcome.error.message}`}`, wantOk ? 'ok' : 'error', outcome.ok ? 'ok' : outcome.error.code);
      continue;
    }
    if (outcome.ok && check.result !== undefined) {
      const mismatches = matchValue(check.result, outcome.result);
      if (mismatches.length > 0) fail(`/connectors/${index}/result`, `${check.use} ${showValue(check.with ?? {}, 80)}: ${describeMismatches(mismatches)}`, showValue(check.result), showValue(outcome.result));
    }
  }

  if (expect.outcome !== undefined) {
    if (!ended) fail('/outcome', 'expected an outcome, but the call is not over yet (the outcome is computed when it ends)', showValue(expect.outcome), 'call still going');
    else {
      const mismatches = matchValue(expect.outcome, observed.record.outcome ?? {});
      if (mismatches.length > 0) fail('/outcome', `outcome ${describeMismatches(mismatches)}`, showValue(expect.outcome), showValue(observed.record.outcome ?? {}));
    }
  }

  if (expect.ended !== undefined) {
    const how = observed.record.endReason;
    if (expect.ended === false && ended) fail('/ended', `expected the call to go on, but it ended (${how ?? 'no reason'})`, 'still going', how ?? 'ended');
    if (expect.ended === true && !ended) fail('/ended', 'expected the call to be over, but it is still going', 'over', 'still going');
    if (typeof expect.ended === 'string' && (!ended || how !== expect.ended)) {
      fail('/ended', `expected the call to end by ${expect.ended}, but ${ended ? `it ended by ${how ?? 'no reason'}` : 'it is still going'}`, expect.ended, ended ? (how ?? 'ended') : 'still going');
    }
  }

  if (expect.transferredTo !== undefined && observed.record.transferTo !== expect.transferredTo) {
    fail('/transferredTo', `expected a transfer to ${expect.transferredTo}, but ${observed.record.transferTo ? `the call went to ${observed.record.transferTo}` : 'the call was not transferred'}`, expect.transferredTo, observed.record.transferTo ?? 'no transfer');
  }
  return failures;
}
