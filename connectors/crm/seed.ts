/**
 * Seed contacts for the example flows, as JSON in `seed/` (shipped with the
 * package): `dental`, `hvac`, `auto`, `clinic`, `smb`. They go through the same
 * importer as users' files. Load one into the CRM connector's storage with
 *
 *     await loadCrmSeed(host.storageFor('crm'), 'dental');
 */
import { readFile } from 'node:fs/promises';
import { OperationError } from '../../engine/connectors/define-connector.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { fromRoot } from '../../engine/util/package-root.js';
import { type ImportReport, importContacts } from './import-contacts.js';

/** The seed sets shipped in `connectors/crm/seed/`. */
export const CRM_SEEDS = ['dental', 'hvac', 'auto', 'clinic', 'smb'] as const;
export type CrmSeedName = (typeof CRM_SEEDS)[number];

/** Imports a shipped seed; loading it again updates the same contacts (notes are added again). */
export async function loadCrmSeed(storage: ConnectorStorage, name: CrmSeedName, now?: Date): Promise<ImportReport> {
  if (!CRM_SEEDS.includes(name)) throw new OperationError('CRM_IMPORT_INVALID', `No CRM seed "${name}" (there are: ${CRM_SEEDS.join(', ')})`);
  // Read from the package root, not next to this module: tsc does not copy JSON into dist/.
  const text = await readFile(fromRoot('connectors', 'crm', 'seed', `${name}.json`), 'utf8');
  const report = await importContacts(storage, { format: 'json', text, ...(now ? { now } : {}) });
  if (report.rejected.length > 0) throw new OperationError('CRM_IMPORT_INVALID', `CRM seed ${name} has bad rows: ${JSON.stringify(report.rejected)}`);
  return report;
}
