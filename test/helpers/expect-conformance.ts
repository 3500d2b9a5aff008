/**
 * Checks every event of a fake realtime server's log against the official
 * OpenAI Realtime schema: what the engine sent (client) and what the fake
 * answered (server). Without the schema file it returns null after
 * `loadConformance` printed why; the caller skips with that reason.
 *
 * One known defect of the official schema is worked around, not ignored: it
 * declares `response.conversation` as oneOf [any string, "auto" | "none"], so
 * the documented `"none"` of out-of-band responses matches both branches and
 * fails a strict oneOf. Such a `response.create` is checked without that one
 * field, which must then be exactly `"none"`.
 */
import type { FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import { loadConformance } from './conformance.js';

/** Problems found (empty: everything conforms), or null when the schema file is absent. */
export function conformanceProblems(realtime: FakeRealtimeServer): string[] | null {
  const conformance = loadConformance();
  if (!conformance) return null;
  const problems = new Set<string>();
  for (const entry of realtime.events) {
    const found = entry.direction === 'client' ? conformance.clientEvent(withoutOutOfBand(entry.event)) : conformance.serverEvent(entry.event);
    for (const problem of found) problems.add(`${entry.direction}: ${problem}`);
  }
  return [...problems];
}

function withoutOutOfBand(event: unknown): unknown {
  const response = (event as { type?: string; response?: { conversation?: unknown } }).response;
  if ((event as { type?: string }).type !== 'response.create' || response?.conversation === undefined) return event;
  if (response.conversation !== 'none') return event;
  const { conversation: _none, ...rest } = response;
  return { ...(event as object), response: rest };
}
