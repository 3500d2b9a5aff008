/**
 * A connector's view of the store: its collections are prefixed with its name,
 * so connectors cannot read or clobber each other's data.
 */
import type { DocumentStore } from '../store/document-store.js';

export function prefixedStore(store: DocumentStore, connector: string): DocumentStore {
  const prefix = `connector.${connector}.`;
  return {
    kind: store.kind,
    collection: (name) => store.collection(prefix + name),
    ping: () => store.ping(),
    // The server owns the store; a connector closing it would close it for everyone.
    close: async () => {},
  };
}
