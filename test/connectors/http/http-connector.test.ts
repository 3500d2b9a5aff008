import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorHost, type InvokeResult, createConnectorHost } from '../../../engine/connectors/connector-host.js';
import type { LogRecord } from '../../../engine/connectors/connector-logger.js';
import { EXPRESSION_STEP_BUDGET, EXPRESSION_TIME_LIMIT_MS } from '../../../engine/flow/expressions.js';
import { createManualClock } from '../../../engine/util/clock.js';

/** What the local server saw. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const TOKEN = 'nhtsa-token-8c1f2e';

/** The result of a successful invocation; fails the test with the error otherwise. */
function resultOf(r: InvokeResult): { body: { body: string; contentType: string } } {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result as { body: { body: string; contentType: string } };
}
let base: string;
let port: number;
const seen: Seen[] = [];
const closedEarly: string[] = [];
let streamedBytes = 0;
let retryHits = 0;

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/vin/1HGCM82633A004352': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ Count: 1, Results: [{ Make: 'HONDA', Model: 'Accord', ModelYear: '2003' }] }));
  },
  '/echo': (req, res, body) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'], body }));
  },
  '/text': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('plain words');
  },
  '/bad-json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"unterminated":');
  },
  '/missing': (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"no such vehicle"}');
  },
  '/unavailable': (_req, res) => {
    retryHits++;
    res.writeHead(503);
    res.end();
  },
  '/hang': (req) => {
    req.on('close', () => closedEarly.push('/hang'));
  },
  '/endless': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(16 * 1024, 97);
    const pump = () => {
      while (!res.destroyed && streamedBytes < 64 * 1024 * 1024) {
        streamedBytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => closedEarly.push('/endless'));
    pump();
  },
  '/declared-huge': (_req, res) => {
    res.writeHead(200, { 'content-length': String(50 * 1024 * 1024), 'content-type': 'application/octet-stream' });
    res.write('x');
  },
  '/redirect-same': (_req, res) => {
    res.writeHead(302, { location: '/vin/1HGCM82633A004352' });
    res.end();
  },
  '/redirect-other-origin': (_req, res) => {
    res.writeHead(307, { location: `http://localhost:${port}/echo` });
    res.end();
  },
  '/redirect-private': (_req, res) => {
    res.writeHead(302, { location: 'http://10.0.0.8/admin' });
    res.end();
  },
  '/redirect-loop': (_req, res) => {
    res.writeHead(302, { location: '/redirect-loop' });
    res.end();
  },
};

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const path = new URL(req.url!, 'http://x').pathname;
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    (routes[path] ?? ((_q, r) => r.writeHead(500).end()))(req, res, body);
  });
});

const logs: LogRecord[] = [];
let host: ConnectorHost;
let strictHost: ConnectorHost;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const credentials = {
    nhtsa: { type: 'bearer', env: 'NHTSA_TOKEN', hosts: ['127.0.0.1'] },
    partner: { type: 'header', header: 'X-Api-Key', env: 'PARTNER_KEY', hosts: ['partner.example'] },
  };
  host = await createConnectorHost({
    builtins: ['http'],
    env: { PARLEY_HTTP_ALLOW_PRIVATE: '127.0.0.1, localhost, ::1', PARLEY_HTTP_MAX_RESPONSE_BYTES: '65536', PARLEY_HTTP_CREDENTIALS: JSON.stringify(credentials), NHTSA_TOKEN: TOKEN },
    retry: { attempts: 3, baseDelayMs: 5 },
    log: (r) => logs.push(r),
  });
  strictHost = await createConnectorHost({ builtins: ['http'], env: {} });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('http connector: requests to an allow-listed local server', () => {
  it('GETs with a templated URL and query, and maps the response with JSONata', async () => {
    const result = await host.invoke('http.get', {
      url: `${base}/vin/{{vin}}`,
      query: { format: 'json', note: '{{note}}' },
      vin: '1HGCM82633A004352',
      params: { note: 'a&b' },
      map: 'Results[0].{"make": Make, "model": Model, "year": $number(ModelYear)}',
    });
    expect(result).toMatchObject({
      ok: true,
      result: { status: 200, contentType: 'application/json; charset=utf-8', data: { make: 'HONDA', model: 'Accord', year: 2003 }, body: { Count: 1 } },
    });
    expect(seen.at(-1)!.url).toBe('/vin/1HGCM82633A004352?format=json&note=a%26b');
  });

  it('POSTs a templated JSON body and headers, keeping the type of lone placeholders', async () => {
    const result = await host.invoke('http.request', {
      method: 'POST',
      url: `${base}/echo`,
      headers: { 'X-Call': 'call-{{callRef}}' },
      body: { seats: '{{seats}}', note: 'for {{name}}', kids: ['{{first}}'] },
      seats: 2,
      name: 'Maria',
      first: 'Tony',
      callRef: 'abc',
    });
    expect(result).toMatchObject({ ok: true, result: { status: 201 } });
    const echoed = resultOf(result).body;
    expect(JSON.parse(echoed.body)).toEqual({ seats: 2, note: 'for Maria', kids: ['Tony'] });
    expect(echoed.contentType).toBe('application/json');
    expect(seen.at(-1)!.headers['x-call']).toBe('call-abc');
  });

  it('sends form and text bodies', async () => {
    const form = await host.invoke('http.request', { method: 'PUT', url: `${base}/echo`, bodyType: 'form', body: { a: '1 2', b: '{{b}}' }, b: 'x&y' });
    expect(resultOf(form).body.body).toBe('a=1+2&b=x%26y');
    const text = await host.invoke('http.get', { url: `${base}/text` });
    expect(text).toMatchObject({ ok: true, result: { body: 'plain words', contentType: 'text/plain' } });
  });

  it('sends a credential to its hosts only, and never logs it', async () => {
    await host.invoke('http.get', { url: `${base}/echo`, credential: 'nhtsa' });
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await host.invoke('http.get', { url: `http://localhost:${port}/echo`, credential: 'nhtsa' })).toMatchObject({ ok: false, error: { code: 'HTTP_UNKNOWN_CREDENTIAL', message: expect.stringContaining('may not be sent to localhost') } });
    expect(await host.invoke('http.get', { url: `${base}/echo`, credential: 'nobody' })).toMatchObject({ ok: false, error: { code: 'HTTP_UNKNOWN_CREDENTIAL' } });
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('drops the credential when a redirect leaves the origin', async () => {
    const result = await host.invoke('http.request', { method: 'POST', url: `${base}/redirect-other-origin`, credential: 'nhtsa', body: { a: 1 } });
    expect(result).toMatchObject({ ok: true, result: { status: 201, url: `http://localhost:${port}/echo` } });
    const last = seen.at(-1)!;
    expect(last.headers.authorization).toBeUndefined();
    expect(last.method).toBe('POST'); // 307 keeps method and body
    expect(last.body).toBe('{"a":1}');
  });

  it('follows redirects within the limit', async () => {
    expect(await host.invoke('http.get', { url: `${base}/redirect-same` })).toMatchObject({ ok: true, result: { url: `${base}/vin/1HGCM82633A004352` } });
    expect(await host.invoke('http.get', { url: `${base}/redirect-loop` })).toMatchObject({ ok: false, error: { code: 'HTTP_TOO_MANY_REDIRECTS' } });
  });

  it('answers non-2xx statuses with HTTP_BAD_STATUS unless accepted', async () => {
    expect(await host.invoke('http.get', { url: `${base}/missing` })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_STATUS', message: 'GET 127.0.0.1:' + port + '/missing answered 404 Not Found' } });
    expect(await host.invoke('http.get', { url: `${base}/missing`, acceptStatus: [404] })).toMatchObject({ ok: true, result: { status: 404, body: { error: 'no such vehicle' } } });
  });

  it('retries 5xx for GET (idempotent) but not for request', async () => {
    retryHits = 0;
    expect(await host.invoke('http.get', { url: `${base}/unavailable` })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_STATUS' } });
    expect(retryHits).toBe(3);
    retryHits = 0;
    expect(await host.invoke('http.request', { method: 'GET', url: `${base}/unavailable` })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_STATUS' } });
    expect(retryHits).toBe(1);
  });

  it('times out a server that never answers, and closes the connection', async () => {
    const result = await host.invoke('http.get', { url: `${base}/hang` }, { timeoutMs: 150 });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTOR_TIMEOUT' } });
    await expect.poll(() => closedEarly.includes('/hang')).toBe(true);
  });

  it('aborts an oversize response while streaming, reading no more than the limit', async () => {
    streamedBytes = 0;
    const result = await host.invoke('http.get', { url: `${base}/endless` });
    expect(result).toMatchObject({ ok: false, error: { code: 'HTTP_RESPONSE_TOO_LARGE', message: expect.stringContaining('more than 65536 bytes') } });
    await expect.poll(() => closedEarly.includes('/endless')).toBe(true);
    // The server got far less than its 64 MiB out before the socket closed.
    expect(streamedBytes).toBeLessThan(8 * 1024 * 1024);
    expect(await host.invoke('http.get', { url: `${base}/declared-huge` })).toMatchObject({ ok: false, error: { code: 'HTTP_RESPONSE_TOO_LARGE', message: expect.stringContaining('answered 52428800 bytes') } });
  });

  it('reports invalid JSON and failing map expressions', async () => {
    expect(await host.invoke('http.get', { url: `${base}/bad-json` })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining('invalid JSON') } });
    expect(await host.invoke('http.get', { url: `${base}/vin/1HGCM82633A004352`, map: 'Results[0.Make' })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining('map expression failed') } });
  });

  it('evaluates `map` as flow expressions are: a runaway expression fails on the step budget instead of stalling the process', async () => {
    const vin = `${base}/vin/1HGCM82633A004352`;
    // A loop JSONata runs without growing the stack: unbudgeted, a hundred million iterations block the event loop for minutes.
    const runaway = '( $loop := function($i) { $i < 100000000 ? $loop($i + 1) : $i }; $loop(0) )';
    const started = performance.now();
    const result = await host.invoke('http.get', { url: vin, map: runaway });
    expect(result).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining(`more than ${EXPRESSION_STEP_BUDGET} evaluation steps`) } });
    // Stopped by counting, long before the wall-clock safety net.
    expect(performance.now() - started).toBeLessThan(EXPRESSION_TIME_LIMIT_MS);
    // The same sandbox: no $eval.
    expect(await host.invoke('http.get', { url: vin, map: '$eval("1 + 1")' })).toMatchObject({ ok: false, error: { code: 'HTTP_BAD_RESPONSE', message: expect.stringContaining('$eval() is not allowed') } });
  });

  it('gives `map` the response status and headers, and the connector\'s clock as $now()', async () => {
    const clock = createManualClock(Date.parse('2026-01-05T15:00:00Z'));
    const clocked = await createConnectorHost({ builtins: ['http'], env: { PARLEY_HTTP_ALLOW_PRIVATE: '127.0.0.1' }, clock });
    const result = await clocked.invoke('http.get', { url: `${base}/vin/1HGCM82633A004352`, map: '{ "status": $status, "type": $headers."content-type", "at": $now(), "make": Results[0].Make }' });
    expect(result).toMatchObject({ ok: true, result: { data: { status: 200, type: 'application/json; charset=utf-8', at: '2026-01-05T15:00:00.000Z', make: 'HONDA' } } });
  });

  it('reports a closed port as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await host.invoke('http.request', { method: 'GET', url: `http://127.0.0.1:${closedPort}/` })).toMatchObject({ ok: false, error: { code: 'HTTP_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') } });
  });
});

describe('http connector: bad input', () => {
  it.each([
    [{ url: 42 }, 'CONNECTOR_INPUT_INVALID', 'input.url: must be string'],
    [{}, 'CONNECTOR_INPUT_INVALID', 'missing required field `url`'],
    [{ url: 'ftp://127.0.0.1/file' }, 'HTTP_INVALID_REQUEST', 'scheme ftp: is not allowed'],
    [{ url: '/relative' }, 'HTTP_INVALID_REQUEST', 'is not an absolute URL'],
    [{ url: 'http://user:pw@127.0.0.1/' }, 'HTTP_INVALID_REQUEST', 'must not contain credentials'],
    [{ url: 'http://127.0.0.1/{{vin}}' }, 'HTTP_INVALID_REQUEST', 'template variable "vin" was not given'],
    [{ url: 'http://127.0.0.1/', headers: { 'X-A': '{{v}}' }, v: 'a\r\nInjected: 1' }, 'HTTP_INVALID_REQUEST', 'contains a line break'],
    [{ url: 'http://127.0.0.1/', headers: { Host: 'evil' } }, 'HTTP_INVALID_REQUEST', 'header Host is set by Parley'],
    [{ url: 'http://127.0.0.1/{{constructor.name}}' }, 'HTTP_INVALID_REQUEST', 'forbidden name "constructor"'],
  ])('%j → %s', async (input, code, message) => {
    const result = await host.invoke('http.get', input);
    expect(result).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(message) } });
  });

  it('refuses a body on GET and a method it does not know', async () => {
    expect(await host.invoke('http.request', { method: 'GET', url: `${base}/echo`, body: { a: 1 } })).toMatchObject({ ok: false, error: { code: 'HTTP_INVALID_REQUEST' } });
    expect(await host.invoke('http.request', { method: 'TRACE', url: `${base}/echo` })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_INPUT_INVALID' } });
  });
});

describe('http connector: the SSRF guard refuses internal targets (nothing is contacted)', () => {
  it.each([
    'http://127.0.0.1:{{port}}/echo',
    'http://localhost:{{port}}/echo',
    'http://2130706433:{{port}}/echo',
    'http://0x7f.1:{{port}}/echo',
    'http://[::1]:{{port}}/echo',
    'http://[::ffff:127.0.0.1]:{{port}}/echo',
    'http://[::ffff:7f00:1]:{{port}}/echo',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.20.1.1/',
    'http://192.168.0.10/',
    'http://100.64.1.1/',
    'http://0.0.0.0:{{port}}/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:a00:1::]/',
  ])('%s', async (url) => {
    const before = seen.length;
    const result = await strictHost.invoke('http.get', { url, port });
    expect(result).toMatchObject({ ok: false, error: { code: 'HTTP_TARGET_FORBIDDEN', message: expect.stringMatching(/^Refused http/) } });
    expect(seen.length).toBe(before);
  });

  it('re-checks redirect targets', async () => {
    const result = await host.invoke('http.get', { url: `${base}/redirect-private` });
    expect(result).toMatchObject({ ok: false, error: { code: 'HTTP_TARGET_FORBIDDEN', message: 'Refused http://10.0.0.8: 10.0.0.8 is a private network' } });
  });
});
