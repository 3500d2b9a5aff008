/**
 * The connector catalog `parley validate` lints against — its one source.
 * With `--catalog <file>` it is read from that JSON file (a ConnectorCatalog,
 * as `GET /api/connectors` serves it). Otherwise it comes from the connector
 * host: the built-ins plus any third-party connectors named in
 * PARLEY_CONNECTORS, exactly what the server would load. Only manifests are
 * read; no handler is imported and no store is opened.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { createConnectorHost } from '../connectors/connector-host.js';
import { ParleyError } from '../errors/parley-error.js';

export interface LintCatalog {
  catalog?: ConnectorCatalog;
  /** One-line notes for the report, e.g. a third-party connector that failed to load. */
  notes: string[];
}

export async function loadLintCatalog(options: { catalogFile?: string; env?: Readonly<Record<string, string | undefined>> } = {}): Promise<LintCatalog> {
  if (options.catalogFile !== undefined) return { catalog: await readCatalogFile(options.catalogFile), notes: [] };
  const host = await createConnectorHost({ env: options.env ?? process.env });
  // Unconfigured connectors (no Twilio keys on this machine) are still in the catalog; only load failures matter here.
  const notes = host.problems().filter((problem) => problem.code !== 'CONNECTOR_NOT_CONFIGURED').map((problem) => `connector ${problem.connector} did not load (${problem.code}): ${problem.message}`);
  return { catalog: host.catalog(), notes };
}

async function readCatalogFile(file: string): Promise<ConnectorCatalog> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ParleyError('IO', `cannot read the catalog ${file}: ${(error as Error).message}`, { cause: error, details: { path: file } });
  }
  const connectors = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined;
  const valid = connectors?.every(([, connector]) => connector !== null && typeof connector === 'object' && typeof (connector as { operations?: unknown }).operations === 'object');
  if (!connectors || !valid) {
    throw new ParleyError('IO', `${file} is not a connector catalog: expected { "<connector>": { "operations": { … } } }`, { details: { path: file } });
  }
  return value as ConnectorCatalog;
}
