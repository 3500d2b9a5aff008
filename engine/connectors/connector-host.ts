/**
 * The connector host: loads connectors, checks their manifests and
 * configuration, publishes the catalog, and runs operations.
 *
 * Loading never stops the server: a connector that fails to load (bad manifest,
 * missing module, duplicate name) or lacks configuration stays in the catalog
 * with its `problem`, offers no runnable operations, and flows that use it fail
 * validation; every other connector works. `strict: true` (or
 * `PARLEY_CONNECTORS_STRICT=1`) refuses to start instead — for CI and for
 * deployments that prefer failing fast. See docs/connectors.md.
 *
 * Running an operation (`invoke`) never throws: the result is data,
 * `{ ok: true, result } | { ok: false, error: { code, message } }`, which the
 * runtime turns into `<tool>.done` / `<tool>.error` (STYLE §11).
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import type { Metrics } from '../observability/metrics.js';
import type { DocumentStore } from '../store/document-store.js';
import { type ConnectorStorage, namespacedStore } from '../store/namespaced-store.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { CatalogConnector, ConnectorCatalog } from './catalog.js';
import { type CheckedConnector, type SchemaCompilers, checkManifest, formatProblems } from './check-manifest.js';
import { type LogSink, type SecretRedactor, createConnectorLogger, createSecretRedactor, silentLogSink } from './connector-logger.js';
import { type ConnectorSource, builtinSources, parseConnectorList, resolveConnectorSpec } from './connector-sources.js';
import {
  type ConnectorCall,
  type ConnectorContext,
  type ConnectorServices,
  type OperationHandler,
  isOperationError,
} from './define-connector.js';
import { resolveConnectorConfig } from './resolve-connector-config.js';
import { createSchemaCompiler, describeSchemaErrors } from './schema-compiler.js';

export interface ConnectorHostOptions {
  /** Load the built-ins from `connectors/`. Default true; a list loads only those named. */
  builtins?: boolean | readonly string[];
  /** Third-party connectors: paths or npm package names. Default: `PARLEY_CONNECTORS` (comma-separated) from `env`. */
  connectors?: readonly string[];
  /** Where config and secrets are read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Non-secret settings per connector, e.g. from a configuration file: `{ calendar: { defaultCalendar: 'dental' } }`. */
  config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The store; each connector sees only its own namespaced collections. */
  store?: DocumentStore;
  /** Business time for handlers. Default: the system clock. */
  clock?: Clock;
  /** Per-operation latency is observed on `metrics.toolLatency`. */
  metrics?: Metrics;
  /** Where log lines go (after field filtering and secret redaction). Default: nowhere. */
  log?: LogSink;
  services?: ConnectorServices;
  /** Base for relative paths and package lookup. Default `process.cwd()`. */
  cwd?: string;
  /** Refuse to start when any connector fails to load or is not configured. Default: `PARLEY_CONNECTORS_STRICT=1`. */
  strict?: boolean;
  /** Timeout when neither the caller nor the operation gives one. Default 8000 ms. */
  defaultTimeoutMs?: number;
  /** Retries of idempotent operations: total attempts (default 3) and the first back-off (default 200 ms, doubling). */
  retry?: { attempts?: number; baseDelayMs?: number };
}

/** Options of one invocation. */
export interface InvokeOptions {
  /** The call it runs for, when it runs during a call. */
  call?: ConnectorCall;
  /** Aborts the operation (e.g. the call ended): the result is `CONNECTOR_CANCELLED`. */
  signal?: AbortSignal;
  /** Overall deadline including retries. Default: the operation's `timeoutMs`, else the host's default. */
  timeoutMs?: number;
}

/** Error part of a failed invocation; `code` is from the error catalogue (or a third-party connector's own code). */
export interface InvokeError {
  code: string;
  message: string;
}

/** The outcome of `invoke`: data, never an exception. */
export type InvokeResult =
  | { ok: true; result: Record<string, unknown>; latencyMs: number }
  | { ok: false; error: InvokeError; latencyMs: number };

/** A connector that could not be loaded or configured, as `/health` and the startup log report it. */
export interface ConnectorProblem {
  connector: string;
  source: string;
  code: string;
  message: string;
}

export interface ConnectorHost {
  /** What every connector offers (failed ones included, with their `problem`). Built once at load; frozen. */
  catalog(): ConnectorCatalog;
  /** Runs `connector.operation` with `input`. Never throws. */
  invoke(use: string, input: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** A connector's own namespaced storage, for routes that belong to it (SMS status callbacks, CRM import). */
  storageFor(connector: string): ConnectorStorage;
  /** Connectors that cannot run, and why. */
  problems(): ConnectorProblem[];
}

interface LoadedConnector {
  name: string;
  source: string;
  checked?: CheckedConnector;
  config?: Record<string, unknown>;
  /** Set when the connector cannot run. */
  problem?: { code: string; message: string };
  handlerModule?: Promise<Record<string, unknown>>;
}

const DEFAULT_TIMEOUT_MS = 8000;

/** Marks why our controller aborted, to tell a timeout from a cancellation. */
class AbortReason extends Error {
  constructor(readonly code: 'CONNECTOR_TIMEOUT' | 'CONNECTOR_CANCELLED', message: string) {
    super(message);
  }
}

async function importModule(entry: string): Promise<unknown> {
  const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  return mod.default ?? mod.connector;
}

/** The catalog entry of one loaded connector: a pure function of what was loaded. */
export function catalogEntry(loaded: { name: string; source: string; checked?: CheckedConnector; problem?: { code: string; message: string } }): CatalogConnector {
  const manifest = loaded.checked?.manifest;
  const entry: CatalogConnector = {
    name: loaded.name,
    version: manifest?.version ?? '0.0.0',
    description: manifest?.description ?? '',
    configured: !loaded.problem,
    source: loaded.source,
    operations: {},
  };
  if (manifest && loaded.problem?.code !== 'CONNECTOR_DUPLICATE') {
    for (const [name, op] of Object.entries(manifest.operations)) {
      entry.operations[name] = {
        description: op.description,
        input: structuredClone(op.input),
        output: structuredClone(op.output),
        idempotent: op.idempotent ?? false,
        ...(op.pii?.length ? { pii: [...op.pii] } : {}),
      };
    }
  }
  if (loaded.problem) entry.problem = { ...loaded.problem };
  return entry;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Loads every configured connector and returns the host. Throws only in strict mode. */
export async function createConnectorHost(options: ConnectorHostOptions = {}): Promise<ConnectorHost> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const sink = options.log ?? silentLogSink;
  const clock = options.clock ?? systemClock;
  const services = options.services ?? {};
  const strict = options.strict ?? env.PARLEY_CONNECTORS_STRICT === '1';
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = Math.max(1, options.retry?.attempts ?? 3);
  const baseDelayMs = options.retry?.baseDelayMs ?? 200;
  // One redactor for the whole host: a connector's error could echo another's secret.
  const redactor: SecretRedactor = createSecretRedactor();
  const hostLog = createConnectorLogger('host', sink, redactor);
  const compilers: SchemaCompilers = { input: createSchemaCompiler('input'), output: createSchemaCompiler('output'), config: createSchemaCompiler('config') };

  const sources: ConnectorSource[] = [];
  if (options.builtins !== false) sources.push(...builtinSources(Array.isArray(options.builtins) ? options.builtins : undefined));
  for (const spec of options.connectors ?? parseConnectorList(env.PARLEY_CONNECTORS)) sources.push(...resolveConnectorSpec(spec, cwd));

  const connectors = new Map<string, LoadedConnector>();
  const failed: LoadedConnector[] = [];
  const record = (loaded: LoadedConnector) => {
    if (connectors.has(loaded.name)) {
      const first = connectors.get(loaded.name)!;
      failed.push({
        name: loaded.name,
        source: loaded.source,
        problem: { code: 'CONNECTOR_DUPLICATE', message: `Connector "${loaded.name}" from ${loaded.source} has the same name as the one from ${first.source}; only the first is loaded` },
        ...(loaded.checked ? { checked: loaded.checked } : {}),
      });
    } else {
      connectors.set(loaded.name, loaded);
    }
  };

  for (const source of sources) {
    if (!source.entry) {
      record({ name: source.hint, source: source.label, problem: { code: 'CONNECTOR_LOAD_FAILED', message: `Connector "${source.hint}" could not be found: ${source.error}` } });
      continue;
    }
    let definition: unknown;
    try {
      definition = await importModule(source.entry);
    } catch (error) {
      record({ name: source.hint, source: source.label, problem: { code: 'CONNECTOR_LOAD_FAILED', message: `Connector "${source.hint}" (${source.entry}) could not be imported: ${(error as Error).message}` } });
      continue;
    }
    if (definition === undefined) {
      record({ name: source.hint, source: source.label, problem: { code: 'CONNECTOR_LOAD_FAILED', message: `Connector module ${source.entry} has no default export: write \`export default defineConnector({...})\`` } });
      continue;
    }
    const rawName = (definition as { name?: unknown } | null)?.name;
    const name = typeof rawName === 'string' && rawName ? rawName : source.hint;
    const checked = checkManifest(definition, compilers);
    if (!checked.ok) {
      record({ name, source: source.label, problem: { code: 'CONNECTOR_MANIFEST_INVALID', message: formatProblems(name, source.entry, checked.problems) } });
      continue;
    }
    const resolution = resolveConnectorConfig(checked.connector.manifest, checked.connector.validateConfig, { env, ...(options.config?.[name] ? { file: options.config[name] } : {}) });
    for (const secret of resolution.secrets) redactor.add(secret);
    record(
      resolution.ok
        ? { name, source: source.label, checked: checked.connector, config: resolution.config }
        : { name, source: source.label, checked: checked.connector, problem: { code: resolution.code, message: resolution.message } },
    );
  }

  const all = [...connectors.values(), ...failed];
  const problems: ConnectorProblem[] = all.filter((c) => c.problem).map((c) => ({ connector: c.name, source: c.source, code: c.problem!.code, message: c.problem!.message }));
  for (const p of problems) hostLog.warn('connector.unavailable', { connector: p.connector, source: p.source, code: p.code, message: p.message });
  if (strict && problems.length > 0) {
    throw new ParleyError(problems.some((p) => p.code === 'CONNECTOR_MANIFEST_INVALID') ? 'CONNECTOR_MANIFEST_INVALID' : 'CONNECTOR_LOAD_FAILED', problems.map((p) => p.message).join('\n'), {
      details: { problems },
    });
  }

  const catalog: ConnectorCatalog = deepFreeze(Object.fromEntries([...connectors.values()].map((c) => [c.name, catalogEntry(c)])));
  const storages = new Map<string, ConnectorStorage>();

  function storageFor(name: string): ConnectorStorage {
    if (!options.store) throw new ParleyError('CONNECTOR_NO_STORAGE', `Connector "${name}" needs storage, but the connector host was started without a store`);
    let storage = storages.get(name);
    if (!storage) {
      storage = namespacedStore(options.store, name);
      storages.set(name, storage);
    }
    return storage;
  }

  async function handlerFor(connector: LoadedConnector, operation: string): Promise<OperationHandler> {
    const inline = connector.checked!.operations[operation]!.run;
    if (inline) return inline;
    connector.handlerModule ??= connector.checked!.handlers!().catch((error: unknown) => {
      connector.handlerModule = undefined; // let the next call try again
      throw new ParleyError('CONNECTOR_LOAD_FAILED', `Handlers of connector "${connector.name}" could not be imported: ${(error as Error).message}`);
    });
    const mod = await connector.handlerModule;
    const handler = mod[operation] ?? (mod.default as Record<string, unknown> | undefined)?.[operation];
    if (typeof handler !== 'function') throw new ParleyError('CONNECTOR_LOAD_FAILED', `The handlers module of connector "${connector.name}" does not export a function \`${operation}\``);
    return handler as OperationHandler;
  }

  function classify(error: unknown, signal: AbortSignal): { code: string; message: string; retryable: boolean } {
    if (signal.aborted && signal.reason instanceof AbortReason) return { code: signal.reason.code, message: signal.reason.message, retryable: false };
    if (isOperationError(error)) {
      const code = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(error.code) ? error.code : 'CONNECTOR_FAILED';
      return { code, message: error.message, retryable: error.retryable === true };
    }
    if (isParleyError(error)) return { code: error.code, message: error.message, retryable: false };
    // Unclassified: a crash or a network error. Worth another try when the operation is idempotent.
    return { code: 'CONNECTOR_FAILED', message: error instanceof Error ? error.message : String(error), retryable: true };
  }

  async function invoke(use: string, input: unknown, invokeOptions: InvokeOptions = {}): Promise<InvokeResult> {
    const started = performance.now();
    const dot = use.indexOf('.');
    const connectorName = dot > 0 ? use.slice(0, dot) : use;
    const operation = dot > 0 ? use.slice(dot + 1) : '';
    const connector = connectors.get(connectorName);
    const known = Boolean(connector?.checked?.manifest.operations[operation]);
    const callId = invokeOptions.call?.id;

    const finish = (outcome: { ok: true; result: Record<string, unknown> } | { ok: false; code: string; message: string }, attempts: number): InvokeResult => {
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      const status = outcome.ok ? 'ok' : outcome.code;
      // Label values must stay a bounded set: unknown names share one label.
      options.metrics?.toolLatency.labels(known ? use : 'unknown', status).observe(latencyMs / 1000);
      if (outcome.ok) {
        hostLog.debug('operation.done', { use: known ? use : 'unknown', status, latencyMs, attempts, callId });
        return { ok: true, result: outcome.result, latencyMs };
      }
      const message = redactor.redact(outcome.message);
      hostLog.warn('operation.failed', { use: known ? use : 'unknown', code: outcome.code, message, latencyMs, attempts, callId });
      return { ok: false, error: { code: outcome.code, message }, latencyMs };
    };

    if (!connector) {
      const names = [...connectors.keys()].sort().join(', ');
      return finish({ ok: false, code: 'CONNECTOR_UNKNOWN_OPERATION', message: `No connector is named "${connectorName}" (loaded: ${names || 'none'})` }, 0);
    }
    // A connector that failed to load offers nothing; say why rather than "unknown operation".
    if (!connector.checked) return finish({ ok: false, code: connector.problem!.code, message: connector.problem!.message }, 0);
    if (!known) {
      const ops = Object.keys(connector.checked?.manifest.operations ?? {}).join(', ');
      return finish({ ok: false, code: 'CONNECTOR_UNKNOWN_OPERATION', message: `Connector "${connectorName}" has no operation "${operation}" (it has: ${ops})` }, 0);
    }
    if (connector.problem) return finish({ ok: false, code: connector.problem.code, message: connector.problem.message }, 0);
    const checked = connector.checked!;
    const op = checked.operations[operation]!;
    const manifestOp = checked.manifest.operations[operation]!;

    let validInput: Record<string, unknown>;
    try {
      validInput = structuredClone(input) as Record<string, unknown>; // defaults are filled in place; never touch the caller's object
    } catch {
      return finish({ ok: false, code: 'CONNECTOR_INPUT_INVALID', message: `Input of ${use} is not plain JSON data` }, 0);
    }
    if (!op.validateInput(validInput)) {
      return finish({ ok: false, code: 'CONNECTOR_INPUT_INVALID', message: `Input of ${use} is invalid: ${describeSchemaErrors(op.validateInput.errors, 'input').join('; ')}` }, 0);
    }

    const timeoutMs = invokeOptions.timeoutMs ?? manifestOp.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    const signal = controller.signal;
    const timer = setTimeout(() => controller.abort(new AbortReason('CONNECTOR_TIMEOUT', `${use} did not finish within ${timeoutMs} ms`)), timeoutMs);
    const onCallerAbort = () => controller.abort(new AbortReason('CONNECTOR_CANCELLED', `${use} was cancelled`));
    if (invokeOptions.signal?.aborted) onCallerAbort();
    else invokeOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {}); // observed through the race below

    const log = createConnectorLogger(connectorName, sink, redactor, { use, callId });
    let attempt = 0;
    try {
      for (;;) {
        attempt++;
        const ctx: ConnectorContext = {
          config: connector.config!,
          get storage() {
            return storageFor(connectorName);
          },
          call: invokeOptions.call,
          log,
          signal,
          clock,
          services,
          secret(envName: string) {
            const value = env[envName];
            if (value) redactor.add(value);
            return value;
          },
          use,
          attempt,
        };
        let result: unknown;
        try {
          const running = handlerFor(connector, operation).then((handler) => handler(structuredClone(validInput), ctx));
          running.catch(() => {}); // it may lose the race; its late failure is not unhandled
          result = await Promise.race([running, aborted]);
        } catch (error) {
          const failure = classify(error, signal);
          if (manifestOp.idempotent && failure.retryable && attempt < maxAttempts && !signal.aborted) {
            log.info('operation.retry', { attempt, code: failure.code, message: failure.message });
            await sleep(baseDelayMs * 2 ** (attempt - 1), signal);
            if (!signal.aborted) continue;
            const reason = signal.reason as AbortReason;
            return finish({ ok: false, code: reason.code, message: reason.message }, attempt);
          }
          return finish({ ok: false, code: failure.code, message: failure.message }, attempt);
        }
        if (!op.validateOutput(result)) {
          return finish({ ok: false, code: 'CONNECTOR_OUTPUT_INVALID', message: `${use} returned a result that does not match its output schema: ${describeSchemaErrors(op.validateOutput.errors, 'output').join('; ')}` }, attempt);
        }
        return finish({ ok: true, result: result as Record<string, unknown> }, attempt);
      }
    } finally {
      clearTimeout(timer);
      invokeOptions.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    catalog: () => catalog,
    invoke,
    storageFor,
    problems: () => problems.map((p) => ({ ...p })),
  };
}
