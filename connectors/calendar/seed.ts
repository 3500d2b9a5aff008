/**
 * Seed calendars for the example flows, as JSON in `seed/` (shipped with the
 * package): `dental`, `hvac`, `auto`, `clinic`, `smb`. Load one into the
 * calendar connector's storage with
 *
 *     await loadCalendarSeed(host.storageFor('calendar'), 'dental');
 */
import { readFile } from 'node:fs/promises';
import { OperationError } from '../../engine/connectors/define-connector.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { fromRoot } from '../../engine/util/package-root.js';
import type { CalendarDefinition } from './calendar-model.js';
import { saveCalendar } from './calendars.js';

/** The seed sets shipped in `connectors/calendar/seed/`. */
export const CALENDAR_SEEDS = ['dental', 'hvac', 'auto', 'clinic', 'smb'] as const;
export type CalendarSeedName = (typeof CALENDAR_SEEDS)[number];

/** A seed file: calendars (and a line saying what they are for). */
export interface CalendarSeed {
  description?: string;
  calendars: unknown[];
}

/** Reads a shipped seed file. */
export async function readCalendarSeed(name: CalendarSeedName): Promise<CalendarSeed> {
  if (!CALENDAR_SEEDS.includes(name)) throw new OperationError('CALENDAR_SEED_INVALID', `No calendar seed "${name}" (there are: ${CALENDAR_SEEDS.join(', ')})`);
  // Read from the package root, not next to this module: tsc does not copy JSON into dist/.
  return JSON.parse(await readFile(fromRoot('connectors', 'calendar', 'seed', `${name}.json`), 'utf8')) as CalendarSeed;
}

/** Checks and stores every calendar of a seed (a shipped name or the seed's data); returns them. Loading twice replaces them. */
export async function loadCalendarSeed(storage: ConnectorStorage, seed: CalendarSeedName | CalendarSeed): Promise<CalendarDefinition[]> {
  const data = typeof seed === 'string' ? await readCalendarSeed(seed) : seed;
  if (!Array.isArray(data?.calendars)) throw new OperationError('CALENDAR_SEED_INVALID', 'A calendar seed is `{ "calendars": [ … ] }`');
  const saved: CalendarDefinition[] = [];
  for (const calendar of data.calendars) saved.push(await saveCalendar(storage, calendar));
  return saved;
}
