/**
 * Starts the HTTP server for `parley serve` / `npm start`: builds the engine and
 * the app, listens, prints where it is, and shuts down cleanly on SIGINT/SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import { effectiveHost, type ParleyConfig } from '../config/load-config.js';
import { createEngine, type Engine } from '../engine.js';
import { describeFlowImport, importExampleFlows } from '../examples/import-example-flows.js';
import { build } from './app.js';

export interface RunningServer {
  app: FastifyInstance;
  engine: Engine;
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: ParleyConfig, print: (line: string) => void = console.log): Promise<RunningServer> {
  const started = Date.now();
  const engine = await createEngine(config);
  let app: FastifyInstance;
  try {
    const imported = await importExampleFlows({ flows: engine.repositories.flows, catalog: engine.connectors.catalog(), folder: config.flowsDir });
    const line = describeFlowImport(imported);
    if (line) print(line);
    app = await build({ services: engine });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const { host, forcedLoopback } = effectiveHost(config);
  if (forcedLoopback) {
    print(`No PARLEY_API_KEY is set, so the admin API is open: listening on ${host} only (HOST=${config.host} ignored).`);
  } else if (!config.apiKey) {
    print('No PARLEY_API_KEY is set: the admin API is open to anyone on this machine (set one before exposing the server).');
  }
  await app.listen({ port: config.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`Parley listening on ${url} — API docs ${url}/docs, health ${url}/health (started in ${Date.now() - started} ms)`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await engine.close();
    })());
  return { app, engine, url, close };
}
