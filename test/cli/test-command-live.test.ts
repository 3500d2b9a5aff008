/**
 * `parley test --live` as the command dispatches it: without OPENAI_API_KEY it
 * stops with exit 2 and says what to set, before anything is read or connected.
 * (The live runs themselves: test/flow-tests/live-runs.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testCommand } from '../../engine/cli/test-command.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parley test --live', () => {
  it('without OPENAI_API_KEY exits 2 with a coded message naming what to set', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    // Never contacted: the key check comes first.
    vi.stubEnv('OPENAI_REALTIME_URL', 'ws://127.0.0.1:9/v1/realtime');
    const out: string[] = [];
    const err: string[] = [];
    const code = await testCommand.run(['--live', 'flows', '--repeat', '3'], { out: (text) => out.push(text), err: (text) => err.push(text) });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('OPENAI_API_KEY is not set');
    expect(err.join('\n')).toContain('[FLOW_TEST_LIVE_NO_KEY]');
    expect(err.join('\n')).toContain('hint: Set OPENAI_API_KEY');
  });

  it('refuses live options without --live (exit 2, usage)', async () => {
    const err: string[] = [];
    const code = await testCommand.run(['--min-pass-rate', '0.5'], { out: () => undefined, err: (text) => err.push(text) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('--timeout and --min-pass-rate are for --live runs');
  });
});
