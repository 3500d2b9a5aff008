/**
 * A caller turn typed as text (`CallManager.callerText`, as the editor's
 * simulator and `parley chat` with a key use it), through the real engine and
 * the fake realtime server: the text reaches the model as a conformant user
 * message, a keyword in it moves the stage before the model answers, the
 * runtime asks for the answer itself, and the record has the caller's line.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParleyError } from '../../engine/errors/parley-error.js';
import type { ResponderContext } from '../../engine/testing/conversation-script.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { CLINIC_NUMBER, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FAULTY = { PARLEY_CONNECTORS: 'test/fixtures/connectors/faulty' };
const GREETING = 'Jefferson Dental front desk, how can I help?';
const TEXT = 'My son is bleeding from his gum.';

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The newest user message's text in what the fake model holds. */
function lastUserText(ctx: ResponderContext): string | undefined {
  const item = ctx.conversation.filter((entry) => entry.type === 'message' && entry.role === 'user').at(-1);
  return (item?.content as Array<{ text?: string }> | undefined)?.[0]?.text;
}

describe('caller text turns', () => {
  it('sends the text as a user message, moves the stage on its keyword before the model answers, and records it as the caller\'s', async () => {
    const heard: Array<string | undefined> = [];
    harness = await startLiveHarness({
      realtime: {
        msPerChar: 10,
        responder: (ctx) => {
          if (ctx.responseIndex === 0) return { say: GREETING };
          heard.push(lastUserText(ctx));
          return { say: ctx.session.instructions.includes('There may be a dental emergency.') ? 'I am sorry. What happened?' : 'How can I help?' };
        },
      },
      flows: ['front-desk.yaml'],
      routes: { [CLINIC_NUMBER]: 'front-desk' },
      env: FAULTY,
    });
    const runtime = harness.engine.runtime;
    const { callId, call, session } = await harness.inboundCall({ pacing: { mode: 'realtime', speed: 5 } });
    await vi.waitFor(() => expect(session.idle).toBe(true), { timeout: 10_000 });
    const before = harness.realtime.events.at(-1)!.seq;

    await runtime.callerText(callId, `  ${TEXT} `);
    await vi.waitFor(() => expect(harness!.realtime.serverEvents().filter((e) => e.event.type === 'response.done')).toHaveLength(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(session.idle).toBe(true), { timeout: 10_000 });
    expect(session.flowState.stage).toBe('emergency');
    await call.hangUp();
    await session.done;

    // On the wire, after the greeting: the user message, the emergency stage, its acknowledgement, then the only response.
    const log = harness.realtime.events.filter((e) => e.seq > before && e.event.type !== 'input_audio_buffer.append');
    const create = log.find((e) => e.direction === 'client' && e.event.type === 'conversation.item.create')!;
    const item = (create.event as unknown as { item: Record<string, unknown> }).item;
    expect(item).toEqual({ id: expect.stringMatching(/^parley_u\d+$/), type: 'message', role: 'user', content: [{ type: 'input_text', text: TEXT }] });
    expect((item.id as string).length).toBeLessThanOrEqual(32);
    const order = log.slice(log.indexOf(create)).map((e) => `${e.direction} ${e.event.type}`);
    const update = order.indexOf('client session.update');
    expect(update).toBeGreaterThan(0);
    expect(order.indexOf('server session.updated', update)).toBeLessThan(order.indexOf('client response.create'));
    expect(order.filter((entry) => entry === 'client response.create')).toHaveLength(1);
    expect(heard).toEqual([TEXT]);

    const { events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').at(-1)?.data).toMatchObject({ from: 'greeting', to: 'emergency', trigger: { kind: 'keywords', matched: 'bleeding' } });
    const lines = events.filter((e) => e.kind === 'transcript').map((e) => e.data as { role: string; text: string; itemId?: string; stage?: string });
    expect(lines).toEqual([
      expect.objectContaining({ role: 'agent', text: GREETING }),
      { role: 'caller', text: TEXT, itemId: item.id, stage: 'greeting' },
      expect.objectContaining({ role: 'agent', text: 'I am sorry. What happened?', stage: 'emergency' }),
    ]);
    expect(harness.realtime.issues).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);

  it('refuses text for a call that is unknown or over, and blank text, with coded errors', async () => {
    harness = await startLiveHarness({ realtime: { msPerChar: 10, responder: () => ({ say: GREETING }) }, flows: ['front-desk.yaml'], routes: { [CLINIC_NUMBER]: 'front-desk' }, env: FAULTY });
    const runtime = harness.engine.runtime;
    await expect(runtime.callerText('no-such-call', 'Hello')).rejects.toMatchObject({ code: 'RUNTIME_CALL_NOT_LIVE' } satisfies Partial<ParleyError>);
    const { callId, call, session } = await harness.inboundCall({ pacing: { mode: 'realtime', speed: 5 } });
    await expect(runtime.callerText(callId, '   ')).rejects.toMatchObject({ code: 'RUNTIME_CALLER_TEXT_EMPTY' });
    await call.hangUp();
    await session.done;
    await expect(runtime.callerText(callId, 'Hello?')).rejects.toMatchObject({ code: 'RUNTIME_CALL_NOT_LIVE' });
    await expect(session.callerText('Hello?')).rejects.toMatchObject({ code: 'RUNTIME_CALL_NOT_LIVE' });
  }, 30_000);
});
