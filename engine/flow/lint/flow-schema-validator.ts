/**
 * The Ajv validators the linter uses, each compiled once per process (Ajv's
 * compile of the flow schema costs tens of milliseconds; validation is cheap):
 * the flow schema itself, its `oneOf` branches (validated separately to pick
 * the branch a designer meant), and a separate Ajv for the JSON Schemas that
 * designers write inside flows.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import flowSchema from '../../../schemas/flow.schema.json' with { type: 'json' };

// ajv and ajv-formats are CommonJS with a default export.
type Ajv2020Instance = import('ajv/dist/2020.js').default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof import('ajv/dist/2020.js').default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020Instance) => Ajv2020Instance;

/** The flow schema document (source of truth for fields, descriptions, defaults). */
export const FLOW_SCHEMA = flowSchema as unknown as Record<string, unknown> & { $id: string; $defs: Record<string, Record<string, unknown>> };

let flowAjv: Ajv2020Instance | undefined;
let flowValidate: ValidateFunction | undefined;

function flowInstance(): Ajv2020Instance {
  // verbose: errors carry the failing schema and data, which the messages need.
  // validateSchema: false — checking our own schema against the meta-schema
  // would compile the whole 2020-12 meta-schema first (half the start-up
  // cost); test/flow/lint/flow-schema-validator.test.ts checks it once instead.
  flowAjv ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, logger: false, validateSchema: false });
  return flowAjv;
}

/** Validates a document against schemas/flow.schema.json; returns Ajv's errors (empty when valid). */
export function validateFlowDocument(document: unknown): ErrorObject[] {
  flowValidate ??= flowInstance().compile(FLOW_SCHEMA);
  return flowValidate(document) ? [] : [...(flowValidate.errors ?? [])];
}

const branchValidators = new WeakMap<object, ValidateFunction>();

/** A validator for one `oneOf` branch of the flow schema (a `$ref` into it, or an inline schema). */
export function flowBranchValidator(branch: Record<string, unknown>): ValidateFunction {
  let validate = branchValidators.get(branch);
  if (!validate) {
    const ref = branch.$ref;
    validate = typeof ref === 'string' && ref.startsWith('#') ? flowInstance().getSchema(FLOW_SCHEMA.$id + ref) : flowInstance().compile(branch);
    if (!validate) throw new Error(`flow schema has no ${String(ref)}`);
    branchValidators.set(branch, validate);
  }
  return validate;
}

/** Follows a local `$ref` (`#/$defs/Name`) in the flow schema; other schemas are returned as they are. */
export function resolveFlowSchemaRef(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as Record<string, unknown> | undefined;
  for (let depth = 0; depth < 10 && current && typeof current.$ref === 'string'; depth++) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    current = match ? FLOW_SCHEMA.$defs[match[1]!] : undefined;
  }
  return current;
}

let userAjv: Ajv2020Instance | undefined;

/** The Ajv for schemas written inside flows: lenient about unknown keywords (the linter reports them itself), with formats. */
export function userSchemaAjv(): Ajv2020Instance {
  if (!userAjv) {
    userAjv = new Ajv2020({ allErrors: true, verbose: true, strict: false, logger: false, validateSchema: false });
    addFormats(userAjv);
  }
  return userAjv;
}

// Compiled user schemas by their JSON text. Ajv keeps every compiled schema in
// its own cache; evicting here removes it there too, so a server that lints
// many flows does not grow without bound.
const USER_CACHE_LIMIT = 200;
const userValidators = new Map<string, { validate: ValidateFunction; schema: AnySchema } | { error: string }>();

/** Compiles a designer's schema (cached); returns the compile error (e.g. an unresolvable `$ref`) instead of throwing. */
export function compileUserSchema(schema: Record<string, unknown>): { validate: ValidateFunction } | { error: string } {
  const key = JSON.stringify(schema);
  const hit = userValidators.get(key);
  if (hit) {
    // Re-insert: most recently used last.
    userValidators.delete(key);
    userValidators.set(key, hit);
    return hit;
  }
  if (userValidators.size >= USER_CACHE_LIMIT) {
    const [oldestKey, oldest] = userValidators.entries().next().value!;
    userValidators.delete(oldestKey);
    if ('schema' in oldest) userSchemaAjv().removeSchema(oldest.schema);
  }
  // A `$id` would register the schema globally in the shared Ajv and clash with the next flow that uses it.
  const { $id: _ignored, ...anonymous } = schema;
  let entry: { validate: ValidateFunction; schema: AnySchema } | { error: string };
  try {
    entry = { validate: userSchemaAjv().compile(anonymous), schema: anonymous };
  } catch (error) {
    entry = { error: error instanceof Error ? error.message : String(error) };
  }
  userValidators.set(key, entry);
  return entry;
}

/** Checks a designer's schema against the JSON Schema 2020-12 meta-schema. */
export function metaSchemaErrors(schema: unknown): ErrorObject[] {
  const ajv = userSchemaAjv();
  return ajv.validateSchema(schema as AnySchema) ? [] : [...(ajv.errors ?? [])];
}
