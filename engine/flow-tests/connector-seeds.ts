/**
 * Seed data a case can load into a connector before its call, by connector:
 * a named set shipped with the connector (`dental`, `hvac`, …) or records
 * written out in the connector's seed file format. The built-in calendar and
 * CRM know how; other connectors' data is made with `setup` steps (their own
 * operations).
 */
import { CALENDAR_SEEDS, loadCalendarSeed, type CalendarSeed } from '../../connectors/calendar/seed.js';
import { importContacts } from '../../connectors/crm/import-contacts.js';
import { CRM_SEEDS, loadCrmSeed, type CrmSeedName } from '../../connectors/crm/seed.js';
import { OperationError } from '../connectors/define-connector.js';
import type { ConnectorStorage } from '../store/namespaced-store.js';

/** How one connector loads seed data. */
export interface SeedLoader {
  /** The named sets it ships. */
  names: readonly string[];
  /** What written-out records look like, for messages. */
  recordsFormat: string;
  /** Loads a named set or written-out records; `now` stamps what needs a time. */
  load(storage: ConnectorStorage, seed: string | Record<string, unknown>, now: Date): Promise<void>;
}

/** Seed loaders by connector name. */
export const SEED_LOADERS: Readonly<Record<string, SeedLoader>> = {
  calendar: {
    names: CALENDAR_SEEDS,
    recordsFormat: '{ calendars: [ … ] }',
    async load(storage, seed) {
      await loadCalendarSeed(storage, typeof seed === 'string' ? (seed as (typeof CALENDAR_SEEDS)[number]) : (seed as unknown as CalendarSeed));
    },
  },
  crm: {
    names: CRM_SEEDS,
    recordsFormat: '{ contacts: [ … ] }',
    async load(storage, seed, now) {
      if (typeof seed === 'string') {
        await loadCrmSeed(storage, seed as CrmSeedName, now);
        return;
      }
      const report = await importContacts(storage, { format: 'json', text: JSON.stringify(seed), now });
      if (report.rejected.length > 0) throw new OperationError('CRM_IMPORT_INVALID', `contact ${report.rejected[0]!.row}: ${report.rejected[0]!.message}`);
    },
  },
};
