/**
 * The model refuses a stage's `session.update` (here: more tools than the API
 * takes). The model then holds the previous stage, so Parley asks it for
 * nothing in the refused stage and the flow takes `onError`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, caller, createConversationScript } from '../../engine/testing/conversation-script.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';
import { CLINIC_NUMBER, startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

const FLOW: Flow = {
  id: 'refused-stage',
  name: 'A stage the API refuses',
  agent: { instructions: 'You are a test agent.', voice: 'marin' },
  initial: 'greeting',
  stages: {
    greeting: { guidance: 'Greet the caller.', next: [{ to: 'menu', intent: 'The caller wants the menu.' }] },
    // 130 intents: the Realtime API takes at most 128 tools in a session.
    menu: { guidance: 'Offer the options.', next: Array.from({ length: 130 }, (_, i) => ({ to: 'greeting', name: `option_${i}`, intent: `Option ${i}.` })) },
    human: { type: 'transfer', say: 'Let me connect you with our team.', transfer: { to: '+15125550199' } },
  },
  onError: 'human',
};

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('a refused session.update', () => {
  it('asks for no response with the stale stage and takes onError', async () => {
    const script = createConversationScript([agent.says('Hello.'), caller.says('The menu, please.'), agent.calls('go_menu'), agent.says('Let me connect you with our team.')]);
    harness = await startLiveHarness({ realtime: { script } });
    await harness.engine.repositories.flows.create(FLOW);
    await harness.engine.repositories.flows.publish(FLOW.id);
    await harness.engine.repositories.numbers.create({ number: CLINIC_NUMBER, flowId: FLOW.id });
    const { callId, call, session } = await harness.inboundCall({ script });
    await call.play();
    await session.done;

    const log = harness.realtime.events.filter((e) => e.event.type !== 'input_audio_buffer.append');
    const menuUpdate = log.find((e) => e.direction === 'client' && e.event.type === 'session.update' && JSON.stringify(e.event).includes('option_129'))!;
    const refusal = log.find((e) => e.seq > menuUpdate.seq && e.direction === 'server' && e.event.type === 'error')!;
    expect((refusal.event as unknown as { error: { event_id: string } }).error.event_id).toBe((menuUpdate.event as unknown as { event_id: string }).event_id);
    // After the refusal: the next stage's session.update, acknowledged, then the only response (the announcement).
    const after = log.filter((e) => e.seq > menuUpdate.seq).map((e) => `${e.direction} ${e.event.type}`);
    expect(after.filter((entry) => entry === 'client response.create')).toHaveLength(1);
    expect(after.indexOf('client session.update')).toBeLessThan(after.indexOf('client response.create'));
    expect(after.indexOf('server session.updated')).toBeLessThan(after.indexOf('client response.create'));

    const { call: record, events } = await harness.record(callId);
    expect(events.filter((e) => e.kind === 'transition').map((e) => e.data)).toEqual([
      expect.objectContaining({ to: 'greeting' }),
      expect.objectContaining({ to: 'menu', trigger: expect.objectContaining({ kind: 'intent', name: 'go_menu' }) }),
      expect.objectContaining({ to: 'human', trigger: expect.objectContaining({ kind: 'error' }) }),
    ]);
    expect(events.map((e) => e.data)).toContainEqual(expect.objectContaining({ code: 'MODEL_SESSION_UPDATE_REFUSED', param: expect.stringContaining('tools') }));
    expect(record).toMatchObject({ status: 'ended', endReason: 'transferred', transferTo: '+15125550199' });
    expect(harness.realtime.issues).toEqual([]);
    expect(conformanceProblems(harness.realtime) ?? []).toEqual([]);
  }, 30_000);
});
