/**
 * The one way connector schemas are compiled: JSON Schema 2020-12 with formats,
 * strict about unknown keywords (a typo such as `propertes` is a load error, not
 * a schema that accepts anything), and with errors turned into one readable line.
 */
import Ajv2020Module, { type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** Annotation keywords Parley reads in connector schemas; anything else non-standard is refused. */
export const PARLEY_SCHEMA_KEYWORDS = ['x-env', 'x-secret'] as const;

export type SchemaPurpose =
  /** Operation input: defaults are filled in, types are not coerced (the model sends JSON). */
  | 'input'
  /** Operation output: checked as is. */
  | 'output'
  /** Connector configuration: strings from environment variables are coerced to the declared type. */
  | 'config';

export type Ajv = InstanceType<typeof Ajv2020>;

function newAjv(AjvClass: typeof Ajv2020, options: Options): Ajv {
  const ajv = new AjvClass(options);
  addFormats(ajv);
  ajv.addVocabulary([...PARLEY_SCHEMA_KEYWORDS]);
  return ajv;
}

function compilerOptions(purpose: SchemaPurpose, extra: Options): Options {
  return {
    allErrors: true,
    strict: true,
    strictTypes: false, // "log" would print to the console for unions that are fine in 2020-12
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    useDefaults: purpose !== 'output',
    coerceTypes: purpose === 'config' ? 'array' : false,
    // Compiling dominates connector load time (server start); unoptimized code
    // compiles about twice as fast and validates a tool's arguments in microseconds anyway.
    code: { optimize: false },
    ...extra,
  };
}

/**
 * Before compiling a schema Ajv checks it against the 2020-12 meta-schema, and
 * the first check compiles the meta-schema: some 40 ms per instance. The
 * connector host makes four instances and connectors make their own, so every
 * compiler hands that check to this one instance. The outcome and the message
 * (`schema is invalid: …`) are the same as the instance's own: Ajv drops
 * `useDefaults`, `coerceTypes` and `removeAdditional` when it compiles a
 * meta-schema, which is all our compilers differ in (`verbose` adds detail to
 * the errors, not to the message).
 */
let metaSchemaChecker: Ajv | undefined;

class SchemaCompiler extends Ajv2020 {
  override validateSchema(schema: Parameters<Ajv['validateSchema']>[0], throwOrLogError?: boolean): boolean | Promise<unknown> {
    metaSchemaChecker ??= newAjv(Ajv2020, compilerOptions('output', {}));
    const valid = metaSchemaChecker.validateSchema(schema, throwOrLogError);
    this.errors = metaSchemaChecker.errors;
    return valid;
  }
}

/** A compiler for one purpose. One per host, so `$id`s of two hosts never collide. */
export function createSchemaCompiler(purpose: SchemaPurpose, extra: Options = {}): Ajv {
  return newAjv(SchemaCompiler, compilerOptions(purpose, extra));
}

/** Compiles a schema, or returns why it is not a valid schema. */
export function tryCompile(ajv: Ajv, schema: unknown): { ok: true; validate: ValidateFunction } | { ok: false; message: string } {
  try {
    return { ok: true, validate: ajv.compile(schema as object) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** `/a/b/0` → `a.b[0]`, for messages read by people rather than programs. */
export function pointerToPath(pointer: string, root = ''): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(root)';
}

/** One error as `field: problem`, naming the field the way the author wrote it. */
export function describeSchemaError(error: ErrorObject, root = ''): string {
  const at = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at === '(root)' ? '' : `${at}: `}missing required field \`${String(params.missingProperty)}\``;
    case 'additionalProperties':
      return `${at}: unknown field \`${String(params.additionalProperty)}\``;
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at}: must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${at}: ${error.message ?? error.keyword}`;
  }
}

/** All errors of a failed validation, one line each, without the duplicates `allErrors` can produce. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined, root = ''): string[] {
  // `if`/`then` failures repeat the real error as "must match then schema"; keep the real one.
  const lines = (errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describeSchemaError(e, root));
  return [...new Set(lines)];
}
