/**
 * `parley demo` runs a whole simulated call offline and leaves it in the store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { loadConfig } from '../../engine/config/load-config.js';
import { createEngine } from '../../engine/engine.js';

describe('parley demo', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the call as it happens and leaves it in the store', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'parley-demo-'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['demo', '--data', dataDir, '--speed', '10'], { out: (text) => out.push(text), err: (text) => err.push(text) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text.match(/STAGE {2}\w+/g)).toEqual(['STAGE  greeting', 'STAGE  gather', 'STAGE  find_time', 'STAGE  offer', 'STAGE  confirm_sms', 'STAGE  wrap_up', 'STAGE  goodbye']);
    expect(text).toMatch(/CALLER Mornings are best\./);
    expect(text).toMatch(/TOOL {3}book_visit \(calendar\.book\) .* → ok in \d+ ms: \{"bookingId":"BK-/);
    expect(text).toMatch(/SMS {4}to \+15125550142 \(SM[0-9a-f]{32}, queued\): "Jefferson Dental: Tony and Paula are booked for/);
    expect(text).toMatch(/END {4}ended \(agent-hangup\), outcome \{.*"result":"booked","booked":true,/);

    const callId = /Call (\S+) is stored in/.exec(text)?.[1];
    const engine = await createEngine(loadConfig({ LOG_LEVEL: 'silent', PARLEY_FLOWS_DIR: '', PARLEY_EXAMPLE_DATA: 'off' }, { dataDir }), { env: {} });
    try {
      const { call, events } = await engine.repositories.calls.getDetail(callId!);
      expect(call).toMatchObject({ flowId: 'dental-outreach-demo', status: 'ended', outcome: { result: 'booked', booked: true, smsSent: true } });
      expect(events.items.filter((e) => e.kind === 'transcript').length).toBeGreaterThanOrEqual(9);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
