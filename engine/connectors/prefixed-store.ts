/**
 * A connector's view of the store: its collections are named
 * `conn_<connector>.<collection>` (the namespace form the store's name rules
 * provide for), so connectors cannot read or clobber each other's data.
 */
import type { DocumentStore } from '../store/document-store.js';

export function prefixedStore(store: DocumentStore, connector: string): DocumentStore {
  const prefix = `conn_${connector}.`;
  return {
    kind: store.kind,
    collection: (name) => store.collection(prefix + name),
    ping: () => store.ping(),
    // The server owns the store; a connector closing it would close it for everyone.
    close: async () => {},
  };
}
