/* generated from schemas/connector.schema.json by scripts/generate-types.ts — do not edit */

/**
 * What a connector offers, as data: its name, version, configuration (secrets marked and read from environment variables) and operations with their input and output JSON Schemas. The connector host checks it when the connector loads; handlers are code and are not part of the manifest.
 */
export interface ConnectorManifest {
  /**
   * The connector's name, the first part of `use: name.operation` in flows: a lowercase letter, then lowercase letters, digits, `_` or `-`, at most 58 characters (its storage namespace is `conn_<name>`). Example: `calendar`.
   */
  name: string;
  /**
   * Semantic version of the connector, e.g. `1.2.0`.
   */
  version: string;
  /**
   * One line on what the connector does, shown in the editor's tool palette.
   */
  description: string;
  /**
   * JSON Schema of the connector's configuration. Each property can be read from an environment variable (`x-env`); secrets (`x-secret: true`) can only be read from one.
   */
  config?: ConfigSchema;
  /**
   * The operations, by name (the second part of `use: connector.operation`).
   */
  operations: {
    [k: string]: Operation;
  };
}
/**
 * A JSON Schema of an object whose properties are the connector's settings.
 *
 * This interface was referenced by `ConnectorManifest`'s JSON-Schema
 * via the `definition` "ConfigSchema".
 */
export interface ConfigSchema {
  /**
   * Always `object`.
   */
  type: 'object';
  /**
   * The settings, by name.
   */
  properties: {
    [k: string]: ConfigProperty;
  };
  /**
   * Settings without which the connector cannot run; when one is missing the connector is listed as not configured.
   */
  required?: string[];
  [k: string]: unknown;
}
/**
 * One setting: a JSON Schema (string, number, integer, boolean or array of strings) with a description, and where it comes from.
 *
 * This interface was referenced by `ConnectorManifest`'s JSON-Schema
 * via the `definition` "ConfigProperty".
 */
export interface ConfigProperty {
  /**
   * What the setting is, shown to operators (never its value when it is a secret).
   */
  description: string;
  /**
   * Environment variable the setting is read from, e.g. `TWILIO_AUTH_TOKEN`. It wins over a value from the configuration file.
   */
  'x-env'?: string;
  /**
   * The value is a secret (password, token, key): read only from `x-env`, never from a file, never logged, and removed from error messages.
   */
  'x-secret'?: boolean;
  [k: string]: unknown;
}
/**
 * One operation: what it does, what it takes and returns, and how it may be retried.
 *
 * This interface was referenced by `ConnectorManifest`'s JSON-Schema
 * via the `definition` "Operation".
 */
export interface Operation {
  /**
   * What the operation does and when to use it; the model reads it unless a binding gives its own description.
   */
  description: string;
  /**
   * JSON Schema of the arguments. Checked before the handler runs; defaults in it are filled in.
   */
  input: ObjectSchema;
  /**
   * JSON Schema of the result. Checked after the handler returns; a mismatch is the connector's bug (`CONNECTOR_OUTPUT_INVALID`).
   */
  output: ObjectSchema;
  /**
   * Calling it twice has the effect of calling it once (reads, upserts, cancels). Only idempotent operations are retried after a failure.
   */
  idempotent?: boolean;
  /**
   * Top-level output fields that hold personal data. They are not shown to the model unless a tool binding's `expose` names them.
   */
  pii?: string[];
  /**
   * Longest the operation may run, in milliseconds, when the caller gives no timeout. Default 8000.
   */
  timeoutMs?: number;
}
/**
 * A JSON Schema (2020-12) of an object (`type: object`): function tools take and return JSON objects.
 *
 * This interface was referenced by `ConnectorManifest`'s JSON-Schema
 * via the `definition` "ObjectSchema".
 */
export interface ObjectSchema {
  /**
   * Always `object`.
   */
  type: 'object';
  /**
   * The object's fields, each a JSON Schema; give each a `description` so the model and the editor know what it means.
   */
  properties?: {
    [k: string]: JsonSchema;
  };
  [k: string]: unknown;
}
/**
 * A JSON Schema (2020-12). The host compiles it when the connector loads, so an invalid schema is refused then.
 *
 * This interface was referenced by `ConnectorManifest`'s JSON-Schema
 * via the `definition` "JsonSchema".
 */
export interface JsonSchema {
  [k: string]: unknown;
}
