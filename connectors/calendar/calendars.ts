/**
 * Calendar definitions in the connector's storage: one document per calendar,
 * the checked definition under `definition` so that saving replaces it in one
 * atomic update.
 */
import type { Collection } from '../../engine/store/document-store.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { type CalendarDefinition, checkCalendarDefinition } from './calendar-model.js';

interface CalendarDoc {
  _id: string;
  definition: CalendarDefinition;
  updatedAt: string;
  [field: string]: unknown;
}

function calendars(storage: ConnectorStorage): Collection<CalendarDoc> {
  return storage.collection<CalendarDoc>('calendars');
}

/** Checks and stores a calendar (creating or replacing it). Throws `CALENDAR_SEED_INVALID` with the field at fault. */
export async function saveCalendar(storage: ConnectorStorage, definition: unknown, now = new Date()): Promise<CalendarDefinition> {
  const checked = checkCalendarDefinition(structuredClone(definition));
  await calendars(storage).updateOne({ _id: checked.id }, { $set: { definition: checked, updatedAt: now.toISOString() } }, { upsert: true });
  return checked;
}

/** A stored calendar, or undefined. */
export async function getCalendar(storage: ConnectorStorage, id: string): Promise<CalendarDefinition | undefined> {
  return (await calendars(storage).findOne({ _id: id }))?.definition;
}

/** Ids and names of every stored calendar. */
export async function listCalendars(storage: ConnectorStorage): Promise<Array<{ id: string; name: string }>> {
  const page = await calendars(storage).find({}, { sort: { _id: 1 }, limit: 1000 });
  return page.items.map((d) => ({ id: d._id, name: d.definition.name }));
}
