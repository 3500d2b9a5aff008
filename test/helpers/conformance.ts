/**
 * The official OpenAI Realtime (GA) event schemas, read from the shared
 * conformance folder beside the repository (never copied into it). Tests that
 * use them skip with a printed reason when the file is absent, e.g. on a fresh
 * clone in CI.
 *
 * Looked up only in `$PARLEY_CONFORMANCE_DIR` when it is set, else at `shared/conformance/` in the
 * repository's parent folder or any folder above it (`/work/shared/conformance`
 * for both `/work/main` and `/work/wt/<branch>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { PACKAGE_ROOT } from '../../engine/util/package-root.js';

const FILE = 'openai-realtime.schema.json';

/** Where the schema file was looked for, and where it was found. */
export function locateConformanceFile(): { file?: string; searched: string[] } {
  const searched: string[] = [];
  const fromEnv = process.env.PARLEY_CONFORMANCE_DIR;
  if (fromEnv) {
    // An explicit folder is the only place looked at (so a run can also prove the skip works).
    const candidate = path.join(fromEnv, FILE);
    return existsSync(candidate) ? { file: candidate, searched: [candidate] } : { searched: [candidate] };
  }
  for (let dir = path.dirname(PACKAGE_ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'conformance', FILE);
    searched.push(candidate);
    if (existsSync(candidate)) return { file: candidate, searched };
    if (path.dirname(dir) === dir) return { searched };
  }
}

/** Validates events against the official per-event schema picked by `type`. */
export interface Conformance {
  file: string;
  /** Problems with a server event (empty when it conforms). */
  serverEvent(event: unknown): string[];
  /** Problems with a client event (empty when it conforms). */
  clientEvent(event: unknown): string[];
}

let cached: Conformance | null | undefined;

/** The validators, or null (after printing why) when the schema file is absent. */
export function loadConformance(): Conformance | null {
  if (cached !== undefined) return cached;
  const { file, searched } = locateConformanceFile();
  if (!file) {
    console.warn(
      `[conformance] ${FILE} not found; the tests that check events against the official OpenAI Realtime schema are SKIPPED.\n` +
        `  Looked in:\n    ${searched.join('\n    ')}\n  Set PARLEY_CONFORMANCE_DIR to the folder holding it to run them.`,
    );
    cached = null;
    return cached;
  }
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, { properties?: { type?: { enum?: string[] } } }> } };
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajvFormats.default(ajv);
  // OpenAPI number formats the schema uses; any number of the right JSON type fits them.
  ajv.addFormat('double', true).addFormat('unixtime', true);
  ajv.addSchema({ $id: 'openai', components: doc.components });
  const byType = (prefix: string) => {
    const map = new Map<string, ValidateFunction>();
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      if (!name.startsWith(prefix) || name === prefix) continue;
      const type = schema.properties?.type?.enum?.[0];
      const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
      if (type && validate) map.set(type, validate);
    }
    return map;
  };
  const server = byType('RealtimeServerEvent');
  const client = byType('RealtimeClientEvent');
  const check = (map: Map<string, ValidateFunction>, side: string) => (event: unknown): string[] => {
    const type = (event as { type?: unknown } | null)?.type;
    const validate = typeof type === 'string' ? map.get(type) : undefined;
    if (!validate) return [`no official ${side} event schema for type ${JSON.stringify(type)}`];
    return validate(event) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${String(type)} ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
  cached = { file, serverEvent: check(server, 'server'), clientEvent: check(client, 'client') };
  return cached;
}
