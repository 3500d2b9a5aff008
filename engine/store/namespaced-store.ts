/**
 * Connector storage: each connector gets a view of the store whose
 * collections are its own. A connector named `calendar` asking for `slots`
 * gets the collection `conn_calendar.slots`; it cannot name any collection
 * outside `conn_calendar.` — not another connector's, not Parley's own.
 *
 * The dot separates the two parts because neither may contain one: connector
 * names may contain `_`, so `conn_<name>_<collection>` would let connector `a`
 * with collection `b_c` and connector `a_b` with collection `c` share a table.
 */
import { ParleyError } from '../errors/parley-error.js';
import type { Collection, Doc, DocumentStore } from './document-store.js';

/** What a connector sees of the store (handed to it as `ctx.storage`). No `close`: the store is not the connector's to close. */
export interface ConnectorStorage {
  /** `sqlite` or `mongodb`. */
  readonly kind: string;
  /** The prefix of this connector's collections, e.g. `conn_calendar.`. */
  readonly namespace: string;
  /** This connector's collection `name` (letters, digits, `_`, `-`; no dots). */
  collection<T extends Doc = Doc>(name: string): Collection<T>;
}

/** Connector names, as the flow schema's `use: connector.operation` allows them. */
const CONNECTOR_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
/** One collection name without dots, so it cannot reach into a deeper namespace. */
const LOCAL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The storage view of connector `connectorName`; `STORE_BAD_NAME` when the name is not a connector name. */
export function namespacedStore(store: DocumentStore, connectorName: string): ConnectorStorage {
  if (typeof connectorName !== 'string' || !CONNECTOR_NAME.test(connectorName)) {
    throw new ParleyError('STORE_BAD_NAME', `Connector name ${JSON.stringify(connectorName)} is not allowed: lowercase letters, digits, "_" and "-", starting with a letter.`);
  }
  const namespace = `conn_${connectorName}.`;
  return {
    kind: store.kind,
    namespace,
    collection<T extends Doc = Doc>(name: string): Collection<T> {
      if (typeof name !== 'string' || !LOCAL_NAME.test(name)) {
        throw new ParleyError('STORE_BAD_NAME', `Collection name ${JSON.stringify(name)} is not allowed for a connector: letters, digits, "_" and "-", starting with a letter, no dots.`, {
          details: { connector: connectorName, collection: String(name) },
        });
      }
      return store.collection<T>(namespace + name);
    },
  };
}
