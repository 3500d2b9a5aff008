/**
 * Closing the server ends live calls first (fastify `preClose`): hung up
 * through Twilio, recorded `interrupted`, `onEnd` run — then the sockets close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agent, createConversationScript } from '../../engine/testing/conversation-script.js';
import { startLiveHarness, type LiveHarness } from '../helpers/live-call-harness.js';

let harness: LiveHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('server shutdown', () => {
  it('ends a live call, records it interrupted and runs onEnd before the sockets close', async () => {
    const script = createConversationScript([agent.says('Hi, this is Sophia from Jefferson Dental.')]);
    harness = await startLiveHarness({ realtime: { script }, flows: ['dental-outreach.yaml'] });
    const { callId, call } = await harness.outboundCall({ flowId: 'dental-outreach', script });
    await call.play();
    await harness.app.close();

    const { call: record, events } = await harness.record(callId);
    expect(record).toMatchObject({ status: 'interrupted', endReason: 'engine-shutdown' });
    expect(events.filter((e) => e.kind === 'tool').map((e) => (e.data as { name: string }).name)).toEqual(['lookup_household', 'log_call']);
    expect(events.filter((e) => e.kind === 'outcome')).toHaveLength(1);
    expect(harness.twilioRest.calls.find((c) => c.sid === record.twilioSid)?.updates).toContainEqual(expect.objectContaining({ Status: 'completed' }));
    expect((await call.closed).code).toBe(1000);
    expect(harness.engine.runtime.liveCalls.size).toBe(0);
  }, 30_000);
});
