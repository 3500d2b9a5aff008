/**
 * The connector catalog `parley validate` lints against — its one source.
 * With `--catalog <file>` it is read from that JSON file (a ConnectorCatalog,
 * as `GET /api/connectors` serves it). Otherwise it comes from the built-in
 * connectors; this build has no connector host to ask, so operation checks
 * are skipped and the command says so once.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { ParleyError } from '../errors/parley-error.js';

export interface LintCatalog {
  catalog?: ConnectorCatalog;
  /** Why operation checks are skipped, when they are (printed once). */
  skipped?: string;
}

export async function loadLintCatalog(options: { catalogFile?: string } = {}): Promise<LintCatalog> {
  if (options.catalogFile !== undefined) return { catalog: await readCatalogFile(options.catalogFile) };
  return { skipped: 'operation checks skipped: no connector catalog is available (pass --catalog <file> to check `use`, `with` and `expose`)' };
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
