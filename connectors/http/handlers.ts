/** The http connector's operations: build the request, send it through the guard, map the response. */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type ConnectorContext, OperationError } from '../../engine/connectors/define-connector.js';
import { compileExpression } from '../../engine/flow/expressions.js';
import { TemplateError, lookupPath, renderTemplate, singlePlaceholder } from '../../engine/connectors/render-template.js';
import type { HttpConfig, HttpCredential, HttpInput, HttpOutput } from './index.js';
import { type AllowList, type CheckedAddress, TargetRefused, checkTarget, parseAllowList } from './ssrf-guard.js';

type Ctx = ConnectorContext<HttpConfig>;

const RESERVED = new Set(['method', 'url', 'query', 'headers', 'body', 'bodyType', 'credential', 'map', 'acceptStatus', 'params']);
const MANAGED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function get(input: HttpInput, ctx: Ctx): Promise<HttpOutput> {
  return send({ ...input, method: input.method ?? 'GET' }, ctx);
}

export function request(input: HttpInput, ctx: Ctx): Promise<HttpOutput> {
  return send(input, ctx);
}

/** Template variables: `params`, plus every input field that is not one of the request's own. */
function variablesOf(input: HttpInput): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (!RESERVED.has(k)) vars[k] = v;
  return { ...vars, ...(input.params ?? {}) };
}

function invalid(message: string): OperationError {
  return new OperationError('HTTP_INVALID_REQUEST', message);
}

function render(template: string, vars: Record<string, unknown>, what: string, encode?: (s: string) => string): string {
  try {
    return renderTemplate(template, vars, encode ? { encode } : {});
  } catch (error) {
    if (error instanceof TemplateError) throw invalid(`${what}: ${error.message}`);
    throw error;
  }
}

/** Renders string leaves of a JSON body; a leaf that is exactly one placeholder keeps the variable's value and type. */
function renderJson(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const single = singlePlaceholder(value);
    if (single) {
      const found = lookupPath(vars, single);
      if (found === undefined) throw invalid(`body: template variable "${single}" was not given`);
      return found;
    }
    return render(value, vars, 'body');
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, vars)]));
  return value;
}

function buildUrl(input: HttpInput, vars: Record<string, unknown>): URL {
  const text = render(input.url, vars, 'url', encodeURIComponent);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`url "${text}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`url scheme ${url.protocol} is not allowed; use http or https`);
  if (url.username || url.password) throw invalid('url must not contain credentials; use a named `credential`');
  for (const [key, value] of Object.entries(input.query ?? {})) {
    url.searchParams.append(key, typeof value === 'string' ? render(value, vars, `query.${key}`) : String(value));
  }
  return url;
}

/** A credential's hosts: exact names or IPs, or `*.suffix`. */
function hostMatches(patterns: readonly string[], hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : pattern === host;
  });
}

function credentialHeaders(name: string | undefined, url: URL, ctx: Ctx): Record<string, string> {
  if (!name) return {};
  const credential: HttpCredential | undefined = Object.hasOwn(ctx.config.credentials, name) ? ctx.config.credentials[name] : undefined;
  if (!credential) throw new OperationError('HTTP_UNKNOWN_CREDENTIAL', `No credential named "${name}" in the http connector's \`credentials\``);
  if (!hostMatches(credential.hosts, url.hostname)) {
    throw new OperationError('HTTP_UNKNOWN_CREDENTIAL', `Credential "${name}" may not be sent to ${url.hostname} (its hosts: ${credential.hosts.join(', ')})`);
  }
  const need = (env: string | undefined): string => {
    const value = env ? ctx.secret(env) : undefined;
    if (!value) throw new OperationError('CONNECTOR_NOT_CONFIGURED', `Credential "${name}" needs the environment variable ${env ?? '(none named)'}`);
    return value;
  };
  switch (credential.type) {
    case 'bearer':
      return { authorization: `Bearer ${need(credential.env)}` };
    case 'basic': {
      const user = credential.username ?? need(credential.usernameEnv);
      return { authorization: `Basic ${Buffer.from(`${user}:${need(credential.passwordEnv)}`).toString('base64')}` };
    }
    case 'header':
      return { [credential.header.toLowerCase()]: need(credential.env) };
  }
}

function buildBody(input: HttpInput, vars: Record<string, unknown>): { payload?: Buffer; contentType?: string } {
  if (input.body === undefined) return {};
  const body = renderJson(input.body, vars);
  switch (input.bodyType ?? 'json') {
    case 'json':
      return { payload: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
    case 'form': {
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('a form body must be an object');
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      return { payload: Buffer.from(form.toString()), contentType: 'application/x-www-form-urlencoded' };
    }
    case 'text':
      return { payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType: 'text/plain; charset=utf-8' };
  }
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a connection pinned to the checked address, reading at most `maxBytes`. */
function exchange(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, target: CheckedAddress, maxBytes: number, signal: AbortSignal): Promise<RawResponse> {
  // Pin the connection to the address the guard checked: no second DNS answer can swap in an internal one.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<RawResponse>((resolve, reject) => {
    const req = transport.request(url, { method, headers, lookup: pinned, signal, agent: false }, (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        req.destroy();
        reject(new OperationError('HTTP_RESPONSE_TOO_LARGE', `${method} ${url.host} answered ${declared} bytes; the limit is ${maxBytes}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Stop reading at the limit: an endless or huge body costs no more than maxBytes.
          req.destroy();
          reject(new OperationError('HTTP_RESPONSE_TOO_LARGE', `${method} ${url.host} sent more than ${maxBytes} bytes; aborted`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) reject(signal.reason);
      else reject(new OperationError('HTTP_UNREACHABLE', `${method} ${url.host} failed: ${error.code ?? error.message}`, { retryable: true, cause: error }));
    });
    req.end(payload);
  });
}

async function send(input: HttpInput, ctx: Ctx): Promise<HttpOutput> {
  const allow: AllowList = parseAllowList(ctx.config.allowPrivate);
  if (allow.invalid.length > 0) throw new OperationError('CONNECTOR_CONFIG_INVALID', `allowPrivate entries are not IPs, CIDR ranges or host names: ${allow.invalid.join(', ')}`);
  const vars = variablesOf(input);
  let url = buildUrl(input, vars);
  let method = input.method ?? 'GET';
  let { payload, contentType } = buildBody(input, vars);
  if (payload && (method === 'GET' || method === 'HEAD')) throw invalid(`${method} requests have no body`);

  const baseHeaders: Record<string, string> = { 'user-agent': ctx.config.userAgent, accept: 'application/json, text/*;q=0.9, */*;q=0.5' };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    if (MANAGED_HEADERS.has(lower)) throw invalid(`header ${name} is set by Parley`);
    const rendered = render(value, vars, `headers.${name}`);
    if (/[\r\n]/.test(rendered)) throw invalid(`header ${name} contains a line break`);
    baseHeaders[lower] = rendered;
  }
  let auth = credentialHeaders(input.credential, url, ctx);
  const origin = url.origin;

  for (let redirects = 0; ; redirects++) {
    let target: CheckedAddress;
    try {
      target = await checkTarget(url.hostname, allow);
    } catch (error) {
      if (error instanceof TargetRefused) {
        throw error.unresolvable
          ? new OperationError('HTTP_UNREACHABLE', error.message, { retryable: true })
          : new OperationError('HTTP_TARGET_FORBIDDEN', `Refused ${url.protocol}//${url.host}: ${error.message}`);
      }
      throw error;
    }
    const headers = { ...baseHeaders, ...auth, ...(contentType ? { 'content-type': contentType } : {}) };
    const res = await exchange(url, method, headers, payload, target, ctx.config.maxResponseBytes, ctx.signal);
    const location = res.headers.location;
    if (REDIRECTS.has(res.status) && location) {
      if (redirects >= ctx.config.maxRedirects) throw new OperationError('HTTP_TOO_MANY_REDIRECTS', `${url.host} redirected more than ${ctx.config.maxRedirects} times`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw invalid(`redirect to scheme ${next.protocol} refused`);
      // Credentials never follow a redirect to another origin, as with fetch().
      if (next.origin !== origin) auth = {};
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        payload = undefined;
        contentType = undefined;
      }
      url = next;
      continue;
    }
    ctx.log.info('http.response', { method, host: url.host, statusCode: res.status, bytes: res.body.length, redirects });
    const ok = (res.status >= 200 && res.status < 300) || (input.acceptStatus ?? []).includes(res.status);
    if (!ok) {
      throw new OperationError('HTTP_BAD_STATUS', `${method} ${url.host}${url.pathname} answered ${res.status} ${res.statusText}`.trim(), {
        retryable: res.status >= 500 || res.status === 429,
      });
    }
    const type = String(res.headers['content-type'] ?? '');
    let body: unknown = res.body.toString('utf8');
    if (/[/+]json\b/i.test(type) && res.body.length > 0) {
      try {
        body = JSON.parse(body as string) as unknown;
      } catch {
        throw new OperationError('HTTP_BAD_RESPONSE', `${url.host} sent invalid JSON`);
      }
    }
    const out: HttpOutput = { status: res.status, url: url.href, contentType: type, body };
    if (input.map) out.data = mapBody(input.map, body, res, ctx.clock.now());
    return out;
  }
}

/**
 * `map` runs as flow expressions do (engine/flow/expressions.ts): the same
 * JSONata sandbox, step budget and wall-clock safety net, no `$eval`, and the
 * connector's clock for `$now()`; `$status` and `$headers` describe the response.
 */
function mapBody(expression: string, body: unknown, res: RawResponse, now: number): unknown {
  try {
    const result = compileExpression(expression).evaluate(body, { extra: { status: res.status, headers: res.headers }, now });
    // JSONata returns its own array subclass; make it plain JSON data.
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
  } catch (error) {
    throw new OperationError('HTTP_BAD_RESPONSE', `map expression failed: ${(error as { message?: string }).message ?? String(error)}`);
  }
}
