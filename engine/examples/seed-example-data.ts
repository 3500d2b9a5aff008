/**
 * The example flows book real appointments and look up real contacts, so a
 * fresh install loads the connectors' example data (clinics, technicians,
 * households) into an EMPTY store. A store that already has calendars or
 * contacts is never touched.
 */
import type { ConnectorHost } from '../connectors/connector-host.js';

export interface SeedReport {
  calendars: number;
  contacts: number;
}

export async function seedExampleData(host: ConnectorHost): Promise<SeedReport> {
  const report: SeedReport = { calendars: 0, contacts: 0 };
  const catalog = host.catalog();
  if (catalog.calendar && !catalog.calendar.problem) {
    const storage = host.storageFor('calendar');
    if ((await storage.collection('calendars').count()) === 0) {
      // Imported only when seeding: the seed modules compile their row schemas when they load, which a restart need not pay.
      const { CALENDAR_SEEDS, loadCalendarSeed } = await import('../../connectors/calendar/seed.js');
      for (const name of CALENDAR_SEEDS) report.calendars += (await loadCalendarSeed(storage, name)).length;
    }
  }
  if (catalog.crm && !catalog.crm.problem) {
    const storage = host.storageFor('crm');
    if ((await storage.collection('contacts').count()) === 0) {
      const { CRM_SEEDS, loadCrmSeed } = await import('../../connectors/crm/seed.js');
      for (const name of CRM_SEEDS) report.contacts += (await loadCrmSeed(storage, name)).imported;
    }
  }
  return report;
}
