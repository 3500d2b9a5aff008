import { describe, expect, it } from 'vitest';
import { DEFAULT_OPENAI_REALTIME_URL, effectiveHost, loadConfig } from '../../engine/config/load-config.js';
import { ParleyError } from '../../engine/errors/parley-error.js';

function configError(env: Record<string, string>): ParleyError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ParleyError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('loadConfig', () => {
  it('needs nothing: loopback, port 3000, SQLite under ./data, the public realtime endpoint', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', openai: { realtimeUrl: DEFAULT_OPENAI_REALTIME_URL } });
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.apiKey).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: 'eighty' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ PARLEY_API_KEY: 'short' }, 'PARLEY_API_KEY'],
      [{ OPENAI_REALTIME_URL: 'http://example.test/realtime' }, 'OPENAI_REALTIME_URL'],
      [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
      [{ TWILIO_ACCOUNT_SID: 'XY123' }, 'TWILIO_ACCOUNT_SID'],
      [{ TWILIO_FROM_NUMBER: '512-555-0100' }, 'TWILIO_FROM_NUMBER'],
      [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ PARLEY_LIVE_POLL_MS: '10' }, 'PARLEY_LIVE_POLL_MS'],
    ];
    for (const [env, variable] of cases) {
      const error = configError(env);
      expect({ code: error.code, variable: error.details?.variable }).toEqual({ code: 'CONFIG_INVALID', variable });
      expect(error.message.startsWith(`${variable}:`)).toBe(true);
    }
  });

  it('accepts a ws:// realtime endpoint so tests can point at the fake server', () => {
    expect(loadConfig({ OPENAI_REALTIME_URL: 'ws://127.0.0.1:9999/v1/realtime' }).openai.realtimeUrl).toBe('ws://127.0.0.1:9999/v1/realtime');
  });

  it('stays on loopback without an API key, whatever HOST says', () => {
    expect(effectiveHost(loadConfig({ HOST: '0.0.0.0' }))).toEqual({ host: '127.0.0.1', forcedLoopback: true });
    expect(effectiveHost(loadConfig({ HOST: '0.0.0.0', PARLEY_API_KEY: 'k'.repeat(20) }))).toEqual({ host: '0.0.0.0', forcedLoopback: false });
    expect(effectiveHost(loadConfig({ HOST: '127.0.0.1' }))).toEqual({ host: '127.0.0.1', forcedLoopback: false });
  });
});
