/**
 * A test kit for connector authors: loads one connector (a built-in by name, or
 * a folder / module path) into a real connector host with a fresh SQLite store
 * in a temporary folder and a clock fixed at a date of your choice, then lets a
 * test invoke operations and assert on results and error codes. Results are
 * checked against the operation's output schema by the host, exactly as in
 * production.
 *
 *     const kit = await loadConnectorForTest('connectors/_template', { now: '2026-01-05T15:00:00Z' });
 *     expect(await kit.ok('greet', { name: 'Ann' })).toEqual({ text: 'Hello, Ann!', times: 1 });
 *     await kit.fails('greet', {}, 'CONNECTOR_INPUT_INVALID');
 *     await kit.close();
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConnectorHost, type InvokeError, type InvokeOptions, type InvokeResult, createConnectorHost } from '../connectors/connector-host.js';
import type { LogRecord } from '../connectors/connector-logger.js';
import { BUILTIN_CONNECTORS_DIR, resolveConnectorSpec } from '../connectors/connector-sources.js';
import type { ConnectorServices } from '../connectors/define-connector.js';
import type { DocumentStore } from '../store/document-store.js';
import type { ConnectorStorage } from '../store/namespaced-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { createManualClock } from '../util/clock.js';

export interface ConnectorTestKitOptions {
  /** Environment the connector's config and secrets are read from (never `process.env`). */
  env?: Record<string, string>;
  /** Non-secret settings, as a configuration file would give them. */
  config?: Record<string, unknown>;
  /** Where the fixed clock starts. Default 2026-01-05T15:00:00Z (a Monday). */
  now?: Date | string | number;
  services?: ConnectorServices;
  /** Default timeout of invocations. */
  timeoutMs?: number;
  /** Load even when the connector lacks configuration (to test `CONNECTOR_NOT_CONFIGURED`). */
  allowUnconfigured?: boolean;
}

export interface ConnectorTestKit {
  /** The connector's name from its manifest. */
  readonly name: string;
  readonly host: ConnectorHost;
  /** The fixed clock: `kit.clock.advance(60_000)`. */
  readonly clock: ReturnType<typeof createManualClock>;
  /** The whole temporary store. */
  readonly store: DocumentStore;
  /** The connector's own namespaced storage (what handlers see as `ctx.storage`). */
  readonly storage: ConnectorStorage;
  /** Log lines the connector and host wrote (already filtered and redacted). */
  readonly logs: LogRecord[];
  /** `host.invoke('<name>.<operation>', input)`. */
  invoke(operation: string, input: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Invokes and returns the result; throws with the error code and message when it failed. */
  ok<T = Record<string, unknown>>(operation: string, input: unknown, options?: InvokeOptions): Promise<T>;
  /** Invokes and returns the error; throws when it succeeded or failed with another code. */
  fails(operation: string, input: unknown, code: string, options?: InvokeOptions): Promise<InvokeError>;
  /** Operations whose handler is missing (imports the handlers module). Empty when all is well. */
  missingHandlers(): Promise<string[]>;
  /** Closes the store and deletes the temporary folder. */
  close(): Promise<void>;
}

/** A built-in name (`calendar`) or a path to a connector folder or module. */
export async function loadConnectorForTest(source: string, options: ConnectorTestKitOptions = {}): Promise<ConnectorTestKit> {
  const builtin = /^[a-z][a-z0-9_-]*$/.test(source) && existsSync(path.join(BUILTIN_CONNECTORS_DIR, source));
  const resolved = builtin ? resolveConnectorSpec(path.join(BUILTIN_CONNECTORS_DIR, source), process.cwd()) : resolveConnectorSpec(source, process.cwd());
  const entry = resolved[0]?.entry;
  if (resolved.length !== 1 || !entry) throw new Error(`loadConnectorForTest: ${source} is not one connector: ${resolved.map((r) => r.error ?? r.label).join('; ')}`);

  const dir = await mkdtemp(path.join(tmpdir(), 'parley-connector-test-'));
  const store = openSqliteStore({ file: path.join(dir, 'parley.db') });
  const clock = createManualClock(options.now === undefined ? undefined : new Date(options.now).getTime());
  const logs: LogRecord[] = [];
  const cleanup = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  let host: ConnectorHost;
  let name: string;
  try {
    const definition = ((await import(pathToFileURL(entry).href)) as { default?: { name?: unknown } }).default;
    name = typeof definition?.name === 'string' ? definition.name : path.basename(path.dirname(entry));
    host = await createConnectorHost({
      builtins: false,
      connectors: [entry],
      env: options.env ?? {},
      ...(options.config ? { config: { [name]: options.config } } : {}),
      store,
      clock,
      log: (record) => logs.push(record),
      ...(options.services ? { services: options.services } : {}),
      ...(options.timeoutMs ? { defaultTimeoutMs: options.timeoutMs } : {}),
      retry: { baseDelayMs: 10 },
    });
    const problem = host.catalog()[name]?.problem;
    if (problem && !(options.allowUnconfigured && problem.code === 'CONNECTOR_NOT_CONFIGURED')) throw new Error(`${problem.code}: ${problem.message}`);
  } catch (error) {
    await cleanup();
    throw error;
  }

  const invoke = (operation: string, input: unknown, invokeOptions?: InvokeOptions) => host.invoke(`${name}.${operation}`, input, invokeOptions);
  return {
    name,
    host,
    clock,
    store,
    storage: host.storageFor(name),
    logs,
    invoke,
    async ok<T>(operation: string, input: unknown, invokeOptions?: InvokeOptions) {
      const result = await invoke(operation, input, invokeOptions);
      if (!result.ok) throw new Error(`${name}.${operation} failed with ${result.error.code}: ${result.error.message}`);
      return result.result as T;
    },
    async fails(operation, input, code, invokeOptions) {
      const result = await invoke(operation, input, invokeOptions);
      if (result.ok) throw new Error(`${name}.${operation} succeeded, expected ${code}: ${JSON.stringify(result.result)}`);
      if (result.error.code !== code) throw new Error(`${name}.${operation} failed with ${result.error.code} (${result.error.message}), expected ${code}`);
      return result.error;
    },
    async missingHandlers() {
      const definition = ((await import(pathToFileURL(entry).href)) as { default: { operations: Record<string, { run?: unknown }>; handlers?: () => Promise<Record<string, unknown>> } }).default;
      const mod = definition.handlers ? await definition.handlers() : {};
      return Object.entries(definition.operations)
        .filter(([op, spec]) => typeof spec.run !== 'function' && typeof mod[op] !== 'function')
        .map(([op]) => op);
    },
    close: cleanup,
  };
}
