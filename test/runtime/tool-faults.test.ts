/**
 * Tools that fail during a live call: a connector that throws, one that hangs
 * past its timeout (with a filler line meanwhile), and a model calling a tool
 * its stage does not offer. The model always gets an answer, in time; the flow
 * routes on `<tool>.error`; the record keeps what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../engine/store/call-event.js';
import { agent, caller, createConversationScript, type ResponderContext } from '../../engine/testing/conversation-script.js';
import type { FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { CLINIC_NUMBER, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FAULTY = { PARLEY_CONNECTORS: 'test/fixtures/connectors/faulty' };
const GREETING = 'Jefferson Dental front desk, how can I help?';

/** The line a `say` response was asked to say verbatim. */
function verbatimLine(ctx: ResponderContext): { say: string } {
  const instructions = String((ctx.request as { instructions?: string } | undefined)?.instructions ?? '');
  return { say: instructions.split('\n').at(-1) ?? '' };
}

/** The `function_call_output` the engine sent for `callId`, with when the fake received it and when the call was made. */
function answerTo(realtime: FakeRealtimeServer, name: string) {
  const call = realtime.serverEvents().find((e) => e.event.type === 'response.function_call_arguments.done' && e.event.name === name);
  const callId = call?.event.call_id as string;
  const madeAt = realtime.serverEvents().find((e) => e.seq > call!.seq && e.event.type === 'response.done')!.at;
  const output = realtime.clientEvents().find((e) => e.event.type === 'conversation.item.create' && (e.event.item as { call_id?: string }).call_id === callId);
  return { output: JSON.parse((output?.event as { item: { output: string } }).item.output) as Record<string, unknown>, afterMs: output!.at - madeAt };
}

const transitionsOf = (events: CallEvent[]) => events.filter((e) => e.kind === 'transition').map((e) => e.data as { to: string; trigger: Record<string, unknown> });

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('tool faults during a call', () => {
  it('a connector that throws: the model gets the fallback as an error output at once, and the flow routes on .error', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Can you check my insurance?'),
      agent.calls('check_insurance', { plan: 'medicaid' }),
      agent.says('Sorry, our system is down. Can we call you back?'),
      caller.hangsUp(),
    ]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const { output, afterMs } = answerTo(harness.realtime, 'check_insurance');
    expect(output).toEqual({ status: 'error', message: 'Insurance cannot be checked right now; offer a call back.' });
    expect(afterMs).toBeLessThan(1000);
    const { events } = await harness.record(callId);
    expect(transitionsOf(events)).toEqual([
      expect.objectContaining({ to: 'greeting' }),
      expect.objectContaining({ to: 'callback', trigger: { kind: 'tool', tool: 'check_insurance', outcome: 'error' } }),
    ]);
    const tool = events.find((e) => e.kind === 'tool')?.data;
    expect(tool).toMatchObject({ name: 'check_insurance', use: 'faulty.explode', status: 'error', error: { code: 'CONNECTOR_FAILED', message: 'the insurance service blew up' } });
    // The connector's own error text never reached the model.
    expect(JSON.stringify(harness.realtime.clientEvents().map((e) => e.event))).not.toContain('blew up');
    expect(harness.realtime.issues).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);

  it('a connector that hangs: a filler line meanwhile, an error output at its 1 s timeout, and the flow routes on .error', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Can you look up my records? I am Maria.'),
      agent.calls('check_records', { name: 'Maria' }),
      agent.says('Sorry, the records are unavailable. Can we call you back?'),
      caller.hangsUp(),
    ]);
    harness = await startLiveHarness({
      realtime: { script, outOfBandResponder: verbatimLine },
      flows: ['front-desk.yaml'],
      routes: { [CLINIC_NUMBER]: 'front-desk' },
      env: FAULTY,
    });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const { output, afterMs } = answerTo(harness.realtime, 'check_records');
    expect(output).toEqual({ status: 'error', message: 'The records are unavailable; offer a call back.' });
    // Within the tool's timeout (1 s), give or take the trip through two sockets on a busy test machine.
    expect(afterMs).toBeGreaterThanOrEqual(990);
    expect(afterMs).toBeLessThan(1000 + 250);

    // The filler was said out of band (it is not part of the conversation the model reasons on) after 300 ms.
    const filler = harness.realtime.clientEvents().find((e) => e.event.type === 'response.create' && (e.event.response as { conversation?: string } | undefined)?.conversation === 'none');
    expect((filler?.event as unknown as { response: { instructions: string } }).response.instructions).toMatch(/One moment please\.$/);
    const { events } = await harness.record(callId);
    const agentLines = events.filter((e) => e.kind === 'transcript' && (e.data as { role: string }).role === 'agent').map((e) => (e.data as { text: string }).text);
    expect(agentLines).toContain('One moment please.');
    expect(events.find((e) => e.kind === 'tool')?.data).toMatchObject({ name: 'check_records', status: 'timeout', error: { code: 'CONNECTOR_TIMEOUT' } });
    expect(transitionsOf(events).at(-1)).toMatchObject({ to: 'callback', trigger: { kind: 'tool', tool: 'check_records', outcome: 'error' } });
    expect(harness.realtime.issues).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);

  it('a tool the stage does not offer: refused with an error output, recorded as a violation, never run', async () => {
    const script = createConversationScript([
      agent.says(GREETING),
      caller.says('Book me for Tuesday.'),
      agent.calls('book_visit', { day: 'Tuesday' }),
      agent.says('Let me take you to booking first. Which day suits you?'),
      caller.hangsUp(),
    ]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const { output } = answerTo(harness.realtime, 'book_visit');
    expect(output).toMatchObject({ status: 'error', message: expect.stringContaining('book_visit') });
    const { events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'violation').map((e) => e.data)).toEqual([expect.objectContaining({ name: 'book_visit', code: 'CALL_TOOL_NOT_OFFERED' })]);
    expect(events.filter((e) => e.kind === 'tool')).toEqual([]);
    // The model was answered and the call went on in the same stage.
    expect(transitionsOf(events).map((t) => t.to)).toEqual(['greeting']);
    expect(script.describe()).not.toMatch(/\[pending\]|\[started\]/);
    // The fake notices the call too: the session never offered the tool.
    expect(harness.realtime.issues.map((issue) => issue.kind)).toEqual(['tool-not-offered']);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);
});
