import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorHost } from '../../engine/connectors/connector-host.js';
import type { LogRecord } from '../../engine/connectors/connector-logger.js';
import { createMetrics } from '../../engine/observability/metrics.js';
import { createManualClock } from '../../engine/util/clock.js';

/** Third-party connectors written as plain ES modules, the way a published package ships them. */
const ACME_INDEX = `
export default {
  name: 'acme',
  version: '2.1.0',
  description: 'Acme order lookup',
  config: {
    type: 'object',
    required: ['apiKey'],
    properties: {
      apiKey: { type: 'string', description: 'Acme API key', 'x-env': 'ACME_API_KEY', 'x-secret': true },
      region: { type: 'string', default: 'eu', description: 'Acme region', 'x-env': 'ACME_REGION' },
      pageSize: { type: 'integer', default: 10, description: 'Page size', 'x-env': 'ACME_PAGE_SIZE' },
    },
  },
  operations: {
    getOrder: {
      description: 'Look an order up by number.',
      idempotent: true,
      pii: ['customerEmail'],
      input: { type: 'object', required: ['orderNumber'], additionalProperties: false, properties: {
        orderNumber: { type: 'string', pattern: '^A-[0-9]+$', description: 'Order number, e.g. A-1001' },
        verbose: { type: 'boolean', default: false, description: 'More detail' } } },
      output: { type: 'object', required: ['status'], properties: {
        status: { type: 'string' }, region: { type: 'string' }, pageSize: { type: 'integer' },
        verbose: { type: 'boolean' }, customerEmail: { type: 'string' }, now: { type: 'string' }, callId: { type: 'string' } } },
    },
    flaky: {
      description: 'Fails the first N times (idempotent).',
      idempotent: true,
      input: { type: 'object', required: ['failures', 'key'], properties: { failures: { type: 'integer' }, key: { type: 'string' }, coded: { type: 'boolean' } } },
      output: { type: 'object', required: ['attempt'], properties: { attempt: { type: 'integer' } } },
    },
    charge: {
      description: 'Not idempotent: fails the first N times.',
      input: { type: 'object', required: ['failures', 'key'], properties: { failures: { type: 'integer' }, key: { type: 'string' } } },
      output: { type: 'object', required: ['attempt'], properties: { attempt: { type: 'integer' } } },
    },
    slow: {
      description: 'Waits for the abort signal.',
      idempotent: true,
      input: { type: 'object', properties: {} },
      output: { type: 'object', properties: {} },
    },
    broken: {
      description: 'Returns a result that breaks its own output schema.',
      input: { type: 'object', properties: {} },
      output: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } },
    },
    leaky: {
      description: 'Logs and throws its own secret.',
      input: { type: 'object', properties: {} },
      output: { type: 'object', properties: {} },
    },
  },
  handlers: () => import('./handlers.mjs'),
};
`;

const ACME_HANDLERS = `
globalThis.__acmeHandlersImported = (globalThis.__acmeHandlersImported ?? 0) + 1;
const counts = (globalThis.__acmeCounts ??= {});
export async function getOrder(input, ctx) {
  return { status: 'shipped', region: ctx.config.region, pageSize: ctx.config.pageSize, verbose: input.verbose,
    customerEmail: 'ann@example.com', now: new Date(ctx.clock.now()).toISOString(), callId: ctx.call?.id ?? 'none' };
}
export async function flaky(input, ctx) {
  counts[input.key] = (counts[input.key] ?? 0) + 1;
  if (ctx.attempt <= input.failures) {
    if (input.coded) { const e = new Error('order service said no'); e.name = 'OperationError'; e.code = 'ACME_REFUSED'; e.retryable = false; throw e; }
    throw new Error('socket hang up');
  }
  return { attempt: ctx.attempt };
}
export async function charge(input, ctx) {
  counts[input.key] = (counts[input.key] ?? 0) + 1;
  if (ctx.attempt <= input.failures) throw new Error('card network timeout');
  return { attempt: ctx.attempt };
}
export function slow(_input, ctx) {
  return new Promise((resolve) => ctx.signal.addEventListener('abort', () => { globalThis.__acmeSlowAborted = ctx.signal.reason?.code ?? 'aborted'; resolve({}); }));
}
export async function broken() { return { count: 'many' }; }
export async function leaky(_input, ctx) {
  ctx.log.info('using key', { message: 'key is ' + ctx.config.apiKey, apiKey: ctx.config.apiKey, phone: '+15125550100' });
  throw new Error('upstream rejected key ' + ctx.config.apiKey);
}
`;

const SECRET = 'sk_live_4f9a8b7c6d5e';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-connectors-'));
  await mkdir(path.join(dir, 'acme'));
  await writeFile(path.join(dir, 'acme', 'index.mjs'), ACME_INDEX);
  await writeFile(path.join(dir, 'acme', 'handlers.mjs'), ACME_HANDLERS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function acmeHost(extra: { env?: Record<string, string>; log?: (r: LogRecord) => void; metrics?: ReturnType<typeof createMetrics>; config?: Record<string, Record<string, unknown>> } = {}) {
  return createConnectorHost({
    builtins: false,
    env: { PARLEY_CONNECTORS: path.join(dir, 'acme'), ACME_API_KEY: SECRET, ACME_PAGE_SIZE: '25', ...extra.env },
    clock: createManualClock(Date.UTC(2026, 0, 5, 15, 0, 0)),
    retry: { attempts: 3, baseDelayMs: 5 },
    ...(extra.log ? { log: extra.log } : {}),
    ...(extra.metrics ? { metrics: extra.metrics } : {}),
    ...(extra.config ? { config: extra.config } : {}),
  });
}

describe('connector host: third-party connectors from configuration', () => {
  it('loads a folder named in PARLEY_CONNECTORS, lists it in the catalog, and invokes it', async () => {
    const host = await acmeHost();
    const catalog = host.catalog();
    expect(Object.keys(catalog)).toEqual(['acme']);
    expect(catalog.acme).toMatchObject({ name: 'acme', version: '2.1.0', configured: true, source: path.join(dir, 'acme') });
    expect(catalog.acme!.operations.getOrder).toMatchObject({ description: 'Look an order up by number.', idempotent: true, pii: ['customerEmail'] });
    expect(catalog.acme!.operations.charge!.idempotent).toBe(false);
    expect(catalog.acme!.problem).toBeUndefined();

    const call = { id: 'call-1', from: '+15125550100', to: '+15125550199', direction: 'inbound' as const };
    const result = await host.invoke('acme.getOrder', { orderNumber: 'A-1001' }, { call });
    expect(result).toMatchObject({
      ok: true,
      // region: schema default; pageSize: env string coerced to the declared integer; verbose: input default; now: the injected clock.
      result: { status: 'shipped', region: 'eu', pageSize: 25, verbose: false, now: '2026-01-05T15:00:00.000Z', callId: 'call-1' },
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('imports handlers lazily: not at load, once on first use', async () => {
    const folder = path.join(dir, 'lazy');
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, 'index.mjs'),
      `export default { name: 'lazy', version: '1.0.0', description: 'x', operations: { ping: { description: 'p', idempotent: true,
        input: { type: 'object' }, output: { type: 'object', properties: { pong: { type: 'boolean' } } } } }, handlers: () => import('./handlers.mjs') };`,
    );
    await writeFile(path.join(folder, 'handlers.mjs'), 'globalThis.__lazyImports = (globalThis.__lazyImports ?? 0) + 1;\nexport async function ping() { return { pong: true }; }');
    const g = globalThis as { __lazyImports?: number };
    const host = await createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: folder } });
    expect(host.catalog().lazy!.configured).toBe(true);
    expect(g.__lazyImports).toBeUndefined();
    expect(await host.invoke('lazy.ping', {})).toMatchObject({ ok: true, result: { pong: true } });
    expect(await host.invoke('lazy.ping', {})).toMatchObject({ ok: true });
    expect(g.__lazyImports).toBe(1);
  });

  it('loads an npm package named in configuration', async () => {
    const pkgDir = path.join(dir, 'app', 'node_modules', '@acme', 'parley-weather');
    await mkdir(path.join(pkgDir, 'lib'), { recursive: true });
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ name: '@acme/parley-weather', version: '0.3.0', type: 'module', parley: { connector: './lib/connector.js' } }));
    await writeFile(
      path.join(pkgDir, 'lib', 'connector.js'),
      `export default { name: 'weather', version: '0.3.0', description: 'Forecasts', operations: { forecast: {
        description: 'Forecast for a city.', idempotent: true,
        input: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
        output: { type: 'object', required: ['summary'], properties: { summary: { type: 'string' } } },
        run: async (input) => ({ summary: 'Sunny in ' + input.city }) } } };`,
    );
    await mkdir(path.join(dir, 'app', 'src'), { recursive: true });
    const host = await createConnectorHost({ builtins: false, cwd: path.join(dir, 'app', 'src'), env: { PARLEY_CONNECTORS: '@acme/parley-weather' } });
    expect(host.catalog().weather).toMatchObject({ source: 'npm:@acme/parley-weather', configured: true });
    expect(await host.invoke('weather.forecast', { city: 'Austin' })).toMatchObject({ ok: true, result: { summary: 'Sunny in Austin' } });
  });

  it('reports a package that is not installed, and keeps loading the others', async () => {
    const host = await createConnectorHost({ builtins: false, cwd: dir, env: { PARLEY_CONNECTORS: `parley-not-installed, ${path.join(dir, 'acme')}`, ACME_API_KEY: SECRET } });
    expect(host.catalog().acme!.configured).toBe(true);
    expect(host.catalog()['parley-not-installed']).toMatchObject({ configured: false, operations: {}, problem: { code: 'CONNECTOR_LOAD_FAILED' } });
    expect(host.catalog()['parley-not-installed']!.problem!.message).toContain('npm install parley-not-installed');
  });

  it('loads the TypeScript template connector from a path', async () => {
    const host = await createConnectorHost({ builtins: false, connectors: ['connectors/_template'], env: {} });
    expect(host.catalog().template).toMatchObject({ configured: true, operations: { greet: { idempotent: false } } });
  });
});

describe('connector host: manifests are checked at load', () => {
  async function hostWith(name: string, source: string, strict = false) {
    const folder = path.join(dir, name);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'index.mjs'), source);
    return createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: folder }, strict });
  }

  it('refuses a manifest with a missing operation schema, naming the connector and the field', async () => {
    const host = await hostWith(
      'bad-output',
      `export default { name: 'billing', version: '1.0.0', description: 'Invoices', operations: {
        lookupInvoice: { description: 'Find an invoice', input: { type: 'object', properties: {} }, run: async () => ({}) } } };`,
    );
    const entry = host.catalog().billing!;
    expect(entry).toMatchObject({ configured: false, operations: {}, problem: { code: 'CONNECTOR_MANIFEST_INVALID' } });
    expect(entry.problem!.message).toContain('Connector "billing"');
    expect(entry.problem!.message).toContain('operations.lookupInvoice.output is missing');
    expect(entry.problem!.message).toContain('add `output`');
    expect(host.problems()).toEqual([expect.objectContaining({ connector: 'billing', code: 'CONNECTOR_MANIFEST_INVALID' })]);
    const result = await host.invoke('billing.lookupInvoice', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTOR_MANIFEST_INVALID' } });
  });

  it('refuses to start in strict mode', async () => {
    await expect(
      hostWith('bad-strict', `export default { name: 'strictly', version: '1.0.0', description: 'x', operations: { op: { description: 'y', input: { type: 'object' }, run: async () => ({}) } } };`, true),
    ).rejects.toMatchObject({ code: 'CONNECTOR_MANIFEST_INVALID', message: expect.stringContaining('operations.op.output is missing') });
  });

  it('names schema typos, invalid schemas, unknown fields, bad PII fields and missing handlers', async () => {
    const host = await hostWith(
      'many-problems',
      `export default { name: 'typos', version: '1', description: 'x', colour: 'red', operations: {
        a: { description: 'a', input: { type: 'object', propertes: {} }, output: { type: 'object', properties: { x: { type: 'strin' } } }, pii: ['email'] } } };`,
    );
    const message = host.catalog().typos!.problem!.message;
    expect(message).toContain('version');
    expect(message).toContain('colour is not a manifest field');
    const host2 = await hostWith(
      'schema-problems',
      `export default { name: 'schemas', version: '1.0.0', description: 'x', operations: {
        a: { description: 'a', input: { type: 'object', propertes: {} }, output: { type: 'object', properties: { x: { type: 'strin' } } }, pii: ['email'] } } };`,
    );
    const message2 = host2.catalog().schemas!.problem!.message;
    expect(message2).toContain('operations.a.input is not a valid JSON Schema');
    expect(message2).toContain('propertes');
    expect(message2).toContain('operations.a.output is not a valid JSON Schema');
    expect(message2).toContain('operations.a.pii names `email`');
    expect(message2).toContain('operations.a.run is missing');
  });

  it('requires secrets to name their environment variable', async () => {
    const host = await hostWith(
      'secret-no-env',
      `export default { name: 'leaky', version: '1.0.0', description: 'x', config: { type: 'object', properties: { token: { type: 'string', description: 'API token', 'x-secret': true } } },
        operations: { a: { description: 'a', input: { type: 'object' }, output: { type: 'object' }, run: async () => ({}) } } };`,
    );
    expect(host.catalog().leaky!.problem!.message).toContain('config.properties.token.x-env is missing');
  });

  it('reports a module without a default export and a folder without a module', async () => {
    await mkdir(path.join(dir, 'empty-folder', 'nothing-here'), { recursive: true });
    await mkdir(path.join(dir, 'no-default'), { recursive: true });
    await writeFile(path.join(dir, 'no-default', 'index.mjs'), 'export const x = 1;');
    const host = await createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: `${path.join(dir, 'no-default')},${path.join(dir, 'empty-folder')}` } });
    expect(host.catalog()['no-default']!.problem).toMatchObject({ code: 'CONNECTOR_LOAD_FAILED', message: expect.stringContaining('no default export') });
    expect(host.catalog()['empty-folder']!.problem).toMatchObject({ code: 'CONNECTOR_LOAD_FAILED', message: expect.stringContaining('holds no connector folders') });
  });

  it('loads the first of two connectors with the same name and reports the second', async () => {
    const host = await createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: `${path.join(dir, 'acme')},${path.join(dir, 'acme')}`, ACME_API_KEY: SECRET } });
    expect(host.catalog().acme!.configured).toBe(true);
    expect(host.problems()).toEqual([expect.objectContaining({ connector: 'acme', code: 'CONNECTOR_DUPLICATE' })]);
  });

  it('a handler module that fails to import fails the invocation, not the load', async () => {
    const folder = path.join(dir, 'bad-handlers');
    await mkdir(folder, { recursive: true });
    await writeFile(
      path.join(folder, 'index.mjs'),
      `export default { name: 'badhandlers', version: '1.0.0', description: 'x', operations: { a: { description: 'a', input: { type: 'object' }, output: { type: 'object' } } }, handlers: () => import('./handlers.mjs') };`,
    );
    await writeFile(path.join(folder, 'handlers.mjs'), 'export const a = ;');
    const host = await createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: folder } });
    expect(host.catalog().badhandlers!.configured).toBe(true);
    expect(await host.invoke('badhandlers.a', {})).toMatchObject({ ok: false, error: { code: 'CONNECTOR_LOAD_FAILED', message: expect.stringContaining('could not be imported') } });
  });
});

describe('connector host: configuration and secrets', () => {
  it('lists a connector without its secret as not configured, naming the variable', async () => {
    const host = await createConnectorHost({ builtins: false, env: { PARLEY_CONNECTORS: path.join(dir, 'acme') } });
    expect(host.catalog().acme).toMatchObject({ configured: false, problem: { code: 'CONNECTOR_NOT_CONFIGURED', message: expect.stringContaining('ACME_API_KEY (apiKey)') } });
    // Operations are still listed so flows can be written before the secret is set.
    expect(Object.keys(host.catalog().acme!.operations)).toContain('getOrder');
    expect(await host.invoke('acme.getOrder', { orderNumber: 'A-1' })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_NOT_CONFIGURED' } });
  });

  it('refuses a secret in the configuration file and a badly typed setting', async () => {
    const host = await acmeHost({ config: { acme: { apiKey: 'from-a-file' } } });
    expect(host.catalog().acme!.problem).toMatchObject({ code: 'CONNECTOR_CONFIG_INVALID', message: expect.stringContaining('must be set in the environment variable ACME_API_KEY') });
    expect(host.catalog().acme!.problem!.message).not.toContain('from-a-file');
    const host2 = await acmeHost({ env: { ACME_PAGE_SIZE: 'lots' } });
    expect(host2.catalog().acme!.problem).toMatchObject({ code: 'CONNECTOR_CONFIG_INVALID', message: expect.stringContaining('config.pageSize: must be integer') });
  });

  it('takes non-secret settings from the configuration file, with the environment winning', async () => {
    const host = await acmeHost({ config: { acme: { region: 'us', pageSize: 5 } } });
    expect(await host.invoke('acme.getOrder', { orderNumber: 'A-1' })).toMatchObject({ ok: true, result: { region: 'us', pageSize: 25 } });
  });

  it('never lets a secret reach the log or an error message', async () => {
    const records: LogRecord[] = [];
    const host = await acmeHost({ log: (r) => records.push(r) });
    const result = await host.invoke('acme.leaky', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTOR_FAILED', message: 'upstream rejected key [redacted]' } });
    const text = JSON.stringify(records);
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('key is [redacted]');
    // Fields outside the allow-list are dropped, whatever they hold.
    expect(text).not.toContain('+15125550100');
    expect(text).not.toContain('apiKey');
  });
});

describe('connector host: invocation', () => {
  it('validates input before the handler runs', async () => {
    const host = await acmeHost();
    const g = globalThis as { __acmeCounts?: Record<string, number> };
    const wrongType = await host.invoke('acme.flaky', { failures: 'none', key: 'never-run' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'CONNECTOR_INPUT_INVALID', message: expect.stringContaining('input.failures: must be integer') } });
    const missing = await host.invoke('acme.getOrder', {});
    expect(missing).toMatchObject({ ok: false, error: { code: 'CONNECTOR_INPUT_INVALID', message: expect.stringContaining('missing required field `orderNumber`') } });
    const pattern = await host.invoke('acme.getOrder', { orderNumber: 'B-1', extra: 1 });
    expect(pattern.ok).toBe(false);
    if (!pattern.ok) {
      expect(pattern.error.message).toContain('input.orderNumber: must match pattern');
      expect(pattern.error.message).toContain('unknown field `extra`');
    }
    expect(g.__acmeCounts?.['never-run']).toBeUndefined();
  });

  it('does not change the caller\'s input object when filling defaults', async () => {
    const host = await acmeHost();
    const input = { orderNumber: 'A-7' };
    await host.invoke('acme.getOrder', input);
    expect(input).toEqual({ orderNumber: 'A-7' });
  });

  it('retries an idempotent operation after unclassified failures', async () => {
    const host = await acmeHost();
    const g = globalThis as { __acmeCounts?: Record<string, number> };
    expect(await host.invoke('acme.flaky', { failures: 2, key: 'retry-ok' })).toMatchObject({ ok: true, result: { attempt: 3 } });
    expect(g.__acmeCounts!['retry-ok']).toBe(3);
    expect(await host.invoke('acme.flaky', { failures: 5, key: 'retry-exhausted' })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_FAILED', message: 'socket hang up' } });
    expect(g.__acmeCounts!['retry-exhausted']).toBe(3);
  });

  it('does not retry a coded, non-retryable failure, and keeps its code', async () => {
    const host = await acmeHost();
    const g = globalThis as { __acmeCounts?: Record<string, number> };
    expect(await host.invoke('acme.flaky', { failures: 1, key: 'coded', coded: true })).toMatchObject({ ok: false, error: { code: 'ACME_REFUSED', message: 'order service said no' } });
    expect(g.__acmeCounts!.coded).toBe(1);
  });

  it('never retries an operation that is not idempotent', async () => {
    const host = await acmeHost();
    const g = globalThis as { __acmeCounts?: Record<string, number> };
    expect(await host.invoke('acme.charge', { failures: 1, key: 'charge-once' })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_FAILED' } });
    expect(g.__acmeCounts!['charge-once']).toBe(1);
  });

  it('times out, aborting the handler\'s signal', async () => {
    const host = await acmeHost();
    const g = globalThis as { __acmeSlowAborted?: string };
    const result = await host.invoke('acme.slow', {}, { timeoutMs: 50 });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTOR_TIMEOUT', message: 'acme.slow did not finish within 50 ms' } });
    expect(result.latencyMs).toBeGreaterThanOrEqual(45);
    expect(g.__acmeSlowAborted).toBe('CONNECTOR_TIMEOUT');
  });

  it('is cancelled by the caller\'s signal', async () => {
    const host = await acmeHost();
    const controller = new AbortController();
    const pending = host.invoke('acme.slow', {}, { signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CANCELLED' } });
    const already = new AbortController();
    already.abort();
    expect(await host.invoke('acme.slow', {}, { signal: already.signal })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_CANCELLED' } });
  });

  it('checks the result against the output schema', async () => {
    const host = await acmeHost();
    expect(await host.invoke('acme.broken', {})).toMatchObject({ ok: false, error: { code: 'CONNECTOR_OUTPUT_INVALID', message: expect.stringContaining('output.count: must be integer') } });
  });

  it('answers unknown connectors and operations with a code', async () => {
    const host = await acmeHost();
    expect(await host.invoke('acme.refund', {})).toMatchObject({ ok: false, error: { code: 'CONNECTOR_UNKNOWN_OPERATION', message: expect.stringContaining('it has: getOrder, flaky') } });
    expect(await host.invoke('nobody.nothing', {})).toMatchObject({ ok: false, error: { code: 'CONNECTOR_UNKNOWN_OPERATION', message: expect.stringContaining('loaded: acme') } });
    expect(await host.invoke('acme', {})).toMatchObject({ ok: false, error: { code: 'CONNECTOR_UNKNOWN_OPERATION' } });
  });

  it('records latency per operation and status', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const host = await acmeHost({ metrics });
    await host.invoke('acme.getOrder', { orderNumber: 'A-1' });
    await host.invoke('acme.getOrder', {});
    await host.invoke('made.up', {});
    const text = await metrics.registry.metrics();
    expect(text).toContain('parley_tool_duration_seconds_count{operation="acme.getOrder",status="ok"} 1');
    expect(text).toContain('parley_tool_duration_seconds_count{operation="acme.getOrder",status="CONNECTOR_INPUT_INVALID"} 1');
    expect(text).toContain('parley_tool_duration_seconds_count{operation="unknown",status="CONNECTOR_UNKNOWN_OPERATION"} 1');
  });

  it('publishes a frozen catalog', async () => {
    const host = await acmeHost();
    const catalog = host.catalog();
    expect(Object.isFrozen(catalog.acme!.operations.getOrder!.input)).toBe(true);
    expect(() => {
      (catalog.acme as { version: string }).version = '9.9.9';
    }).toThrow(TypeError);
  });
});
