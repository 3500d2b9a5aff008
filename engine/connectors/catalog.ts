/**
 * The connector catalog: what every loaded connector offers, as plain data.
 * The linter and compiler read it to check `use: connector.operation` and to
 * derive what the model sees of a tool; the API serves it to the editor's tool
 * palette. It is built by the connector host from validated manifests.
 */
import type { JsonSchema } from '../types/flow.generated.js';

export interface CatalogOperation {
  /** What the operation does, for the model and the editor. */
  description: string;
  /** JSON Schema of the operation's input. */
  input: JsonSchema;
  /** JSON Schema of the operation's output. */
  output: JsonSchema;
  /** Safe to retry: calling it twice has the effect of calling it once. */
  idempotent: boolean;
  /** Top-level output fields holding personal data; not shown to the model unless a binding's `expose` names them. */
  pii?: string[];
}

export interface CatalogConnector {
  name: string;
  version: string;
  description: string;
  /** Whether its configuration (and secrets) are present, so it can run. */
  configured: boolean;
  /** Where it was loaded from: `builtin`, a folder, or an npm package. */
  source: string;
  operations: Record<string, CatalogOperation>;
  /**
   * Why it cannot run, when it cannot: it failed to load (`CONNECTOR_MANIFEST_INVALID`,
   * `CONNECTOR_LOAD_FAILED`; then `operations` is empty) or lacks configuration
   * (`CONNECTOR_NOT_CONFIGURED`, `CONNECTOR_CONFIG_INVALID`; the message names the
   * environment variables to set). Flows that use it should fail validation with it.
   */
  problem?: { code: string; message: string };
}

/** Connectors by name. */
export type ConnectorCatalog = Record<string, CatalogConnector>;

/** Looks up `connector.operation`; undefined when either is unknown. */
export function findOperation(catalog: ConnectorCatalog, use: string): CatalogOperation | undefined {
  const dot = use.indexOf('.');
  if (dot < 0) return undefined;
  const connector = catalog[use.slice(0, dot)];
  return connector?.operations[use.slice(dot + 1)];
}
