/**
 * A connector's configuration, from its manifest's config schema: defaults, then
 * the configuration file's values, then environment variables (`x-env`) — which
 * win, as operators expect. Secrets (`x-secret`) come only from the environment;
 * a secret in a file is refused, so secrets never sit in files that get committed.
 * Messages name settings and variables, never values.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { ConfigProperty, ConnectorManifest } from '../types/connector.generated.js';
import { describeSchemaErrors } from './schema-compiler.js';

export type ConfigResolution =
  | { ok: true; config: Record<string, unknown>; secrets: string[] }
  | {
      ok: false;
      code: 'CONNECTOR_NOT_CONFIGURED' | 'CONNECTOR_CONFIG_INVALID';
      message: string;
      /** Environment variables to set, when settings are missing. */
      missing: string[];
      secrets: string[];
    };

function fromEnv(prop: ConfigProperty, raw: string): unknown {
  if (prop.type === 'array') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (prop.type === 'object') return JSON.parse(raw) as unknown; // may throw; caller names the variable
  return raw;
}

/** Resolves and validates the configuration of one connector. */
export function resolveConnectorConfig(
  manifest: ConnectorManifest,
  validateConfig: ValidateFunction,
  sources: { env: Readonly<Record<string, string | undefined>>; file?: Readonly<Record<string, unknown>> },
): ConfigResolution {
  const properties = manifest.config?.properties ?? {};
  const data: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  const invalid: string[] = [];

  for (const [key, value] of Object.entries(sources.file ?? {})) {
    const prop = properties[key];
    if (prop?.['x-secret']) {
      invalid.push(`\`${key}\` is a secret and must be set in the environment variable ${prop['x-env']}, not in the configuration file`);
      continue;
    }
    data[key] = structuredClone(value);
  }
  for (const [key, prop] of Object.entries(properties)) {
    if (prop['x-secret']) secretKeys.push(key);
    const variable = prop['x-env'];
    const raw = variable ? sources.env[variable] : undefined;
    if (raw === undefined || raw === '') continue;
    try {
      data[key] = fromEnv(prop, raw);
    } catch {
      invalid.push(`environment variable ${variable} (\`${key}\`) is not valid JSON`);
    }
  }
  const secrets = secretKeys.map((k) => data[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  const name = manifest.name;

  if (invalid.length > 0) {
    return { ok: false, code: 'CONNECTOR_CONFIG_INVALID', message: `Connector "${name}": ${invalid.join('; ')}`, missing: [], secrets };
  }
  if (validateConfig(data)) return { ok: true, config: data, secrets };

  const errors = validateConfig.errors ?? [];
  const missingKeys = errors.filter((e) => e.keyword === 'required' && e.instancePath === '').map((e) => String((e.params as { missingProperty: string }).missingProperty));
  const others = errors.filter((e) => !(e.keyword === 'required' && e.instancePath === ''));
  if (others.length > 0) {
    // ajv's messages describe the schema ("must be integer"), never the value, so secrets stay out.
    return { ok: false, code: 'CONNECTOR_CONFIG_INVALID', message: `Connector "${name}" configuration: ${describeSchemaErrors(others, 'config').join('; ')}`, missing: [], secrets };
  }
  const missing = missingKeys.map((k) => properties[k]?.['x-env']).filter((v): v is string => Boolean(v));
  const described = missingKeys.map((k) => {
    const variable = properties[k]?.['x-env'];
    return variable ? `${variable} (${k})` : `\`${k}\` in the configuration file`;
  });
  return { ok: false, code: 'CONNECTOR_NOT_CONFIGURED', message: `Connector "${name}" is not configured: set ${described.join(', ')}`, missing, secrets };
}
