/**
 * Checks a connector definition when it loads: the manifest against
 * `schemas/connector.schema.json`, every operation schema compiles, PII fields
 * exist in the output, every operation has a handler. Each problem names the
 * field and says how to fix it, so an integrator never has to guess.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ConnectorManifest } from '../types/connector.generated.js';
import { fromRoot } from '../util/package-root.js';
import type { ConnectorDefinition, OperationHandler } from './define-connector.js';
import { type Ajv, createSchemaCompiler, describeSchemaError, pointerToPath, tryCompile } from './schema-compiler.js';

/** One thing wrong with a manifest. */
export interface ManifestProblem {
  /** Where, as a path into the definition, e.g. `operations.lookup.output`. */
  field: string;
  /** What is wrong. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

/** A definition that passed: its manifest and its compiled validators. */
export interface CheckedConnector {
  manifest: ConnectorManifest;
  validateConfig: ValidateFunction;
  operations: Record<string, { validateInput: ValidateFunction; validateOutput: ValidateFunction; run?: OperationHandler }>;
  handlers?: () => Promise<Record<string, unknown>>;
}

export interface SchemaCompilers {
  input: Ajv;
  output: Ajv;
  config: Ajv;
}

let manifestValidator: ValidateFunction | undefined;
function validateManifestShape(): ValidateFunction {
  if (!manifestValidator) {
    const schema = JSON.parse(readFileSync(fromRoot('schemas', 'connector.schema.json'), 'utf8')) as object;
    // verbose: errors carry the schema they failed, whose `description` becomes the fix.
    manifestValidator = createSchemaCompiler('output', { verbose: true }).compile(schema);
  }
  return manifestValidator;
}

/** The manifest part of a definition: everything but code (`handlers`, each operation's `run`). */
export function manifestOf(definition: Record<string, unknown>): Record<string, unknown> {
  const { handlers: _handlers, operations, ...rest } = definition;
  const out: Record<string, unknown> = { ...rest };
  if (operations !== undefined) {
    if (operations && typeof operations === 'object' && !Array.isArray(operations)) {
      out.operations = Object.fromEntries(
        Object.entries(operations as Record<string, unknown>).map(([name, op]) => {
          if (!op || typeof op !== 'object') return [name, op];
          const { run: _run, ...data } = op as Record<string, unknown>;
          return [name, data];
        }),
      );
    } else {
      out.operations = operations;
    }
  }
  return out;
}

function fixFor(error: ErrorObject): { field: string; problem: string; fix: string } {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  if (error.keyword === 'required') {
    const missing = String(params.missingProperty);
    const props = (parent.properties ?? {}) as Record<string, { description?: string }>;
    const what = missing === 'x-env' ? 'the environment variable that holds this secret: secrets are never read from files' : props[missing]?.description;
    return {
      field: pointerToPath(`${error.instancePath}/${missing}`),
      problem: 'is missing',
      fix: `add \`${missing}\`${what ? ` (${what})` : ''}`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String(params.additionalProperty);
    const known = Object.keys((parent.properties ?? {}) as object);
    return {
      field: pointerToPath(`${error.instancePath}/${extra}`),
      problem: 'is not a manifest field',
      fix: `remove it or correct its spelling${known.length ? ` (known fields: ${known.join(', ')})` : ''}`,
    };
  }
  const line = describeSchemaError(error);
  const field = pointerToPath(error.instancePath);
  const problem = line.slice(line.indexOf(': ') + 2);
  const description = typeof parent.description === 'string' ? parent.description : undefined;
  return { field, problem, fix: description ?? 'see schemas/connector.schema.json' };
}

/** Checks a definition; on success returns it compiled with the given compilers. */
export function checkManifest(
  definition: unknown,
  compilers: SchemaCompilers,
): { ok: true; connector: CheckedConnector } | { ok: false; problems: ManifestProblem[] } {
  if (!definition || typeof definition !== 'object' || Array.isArray(definition)) {
    return { ok: false, problems: [{ field: '(root)', problem: 'is not an object', fix: 'export default defineConnector({ name, version, description, operations })' }] };
  }
  const def = definition as ConnectorDefinition & Record<string, unknown>;
  const manifest = manifestOf(def);
  const validate = validateManifestShape();
  if (!validate(manifest)) {
    const seen = new Set<string>();
    const problems: ManifestProblem[] = [];
    for (const error of validate.errors ?? []) {
      if (error.keyword === 'if') continue; // repeats the `then` failure
      const p = fixFor(error);
      const key = `${p.field}|${p.problem}`;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(p);
      }
    }
    return { ok: false, problems };
  }

  const problems: ManifestProblem[] = [];
  const checked = manifest as unknown as ConnectorManifest;
  const configSchema = checked.config ?? { type: 'object', properties: {} };
  const config = tryCompile(compilers.config, configSchema);
  if (!config.ok) problems.push({ field: 'config', problem: `is not a valid JSON Schema: ${config.message}`, fix: 'correct the schema (2020-12; only standard keywords plus x-env, x-secret)' });

  if (def.handlers !== undefined && typeof def.handlers !== 'function') {
    problems.push({ field: 'handlers', problem: 'is not a function', fix: "write `handlers: () => import('./handlers.js')`" });
  }
  const operations: CheckedConnector['operations'] = {};
  for (const [name, op] of Object.entries(checked.operations)) {
    const run = (def.operations[name] as { run?: unknown }).run;
    if (run !== undefined && typeof run !== 'function') {
      problems.push({ field: `operations.${name}.run`, problem: 'is not a function', fix: 'make `run` an async function (input, ctx) => result' });
    }
    if (run === undefined && def.handlers === undefined) {
      problems.push({ field: `operations.${name}.run`, problem: 'is missing: the operation has no handler', fix: `add \`run\` to the operation, or \`handlers: () => import('./handlers.js')\` exporting \`${name}\`` });
    }
    const input = tryCompile(compilers.input, op.input);
    if (!input.ok) problems.push({ field: `operations.${name}.input`, problem: `is not a valid JSON Schema: ${input.message}`, fix: 'correct the schema (2020-12; only standard keywords)' });
    const output = tryCompile(compilers.output, op.output);
    if (!output.ok) problems.push({ field: `operations.${name}.output`, problem: `is not a valid JSON Schema: ${output.message}`, fix: 'correct the schema (2020-12; only standard keywords)' });
    const outputFields = Object.keys(op.output.properties ?? {});
    for (const field of op.pii ?? []) {
      if (!outputFields.includes(field)) {
        problems.push({ field: `operations.${name}.pii`, problem: `names \`${field}\`, which is not a top-level field of the output`, fix: `use top-level output fields (${outputFields.join(', ') || 'none declared'})` });
      }
    }
    if (input.ok && output.ok) operations[name] = { validateInput: input.validate, validateOutput: output.validate, ...(typeof run === 'function' ? { run: run as OperationHandler } : {}) };
  }
  if (problems.length > 0 || !config.ok) return { ok: false, problems };
  return {
    ok: true,
    connector: {
      manifest: checked,
      validateConfig: config.validate,
      operations,
      ...(typeof def.handlers === 'function' ? { handlers: def.handlers as () => Promise<Record<string, unknown>> } : {}),
    },
  };
}

/** Problems as one message: `connector "x": field — problem; fix: …`. */
export function formatProblems(connector: string, source: string, problems: readonly ManifestProblem[]): string {
  const lines = problems.map((p) => `${p.field} ${p.problem} — ${p.fix}`);
  return `Connector "${connector}" (${source}) has an invalid manifest: ${lines.join('; ')}`;
}
