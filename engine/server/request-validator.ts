/**
 * Request validation for the HTTP API: JSON bodies are checked as sent;
 * query strings, path parameters and headers are coerced to their declared
 * types.
 *
 * Why two: a query string or a path is text, so `?limit=10` and
 * `/versions/3` must become numbers — coercion is right there. A JSON body
 * already has types: `{"text": 42}` for a string field is a client bug that
 * must get `400 API_BAD_REQUEST` naming the field, not a note reading "42".
 * Fastify validates every part with one Ajv instance, so `build()` installs
 * this compiler instead: two instances, each knowing the shared schemas
 * (`parley-api`), picked by `httpPart`.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its callable export is `default`.
const addFormats = addFormatsModule.default;

/** What fastify's defaults are, minus what Parley does not want: bodies are never stripped of unknown properties (they are refused). */
const BASE_OPTIONS: Options = { useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false };

/** What fastify hands a validator compiler for one part of one route. */
export interface RouteSchemaPart {
  schema: unknown;
  httpPart?: string;
}

/** A route part's validator, as fastify calls it: `errors` holds why the last call failed. */
export interface RequestValidator {
  (data: unknown): boolean;
  errors?: ValidateFunction['errors'];
}

/**
 * A validator compiler for `app.setValidatorCompiler()`. `schemas` are those
 * added with `addSchema()` (`app.getSchemas()`): a custom compiler does not
 * see them otherwise.
 *
 * Fastify compiles every route's validators when the server gets ready, which
 * was a good part of server start; most routes of a phone server are never
 * called in a given run. So the Ajv instances are made, and each validator is
 * compiled, on the first request that needs them; after that a request pays
 * nothing extra.
 */
export function createRequestValidatorCompiler(schemas: Record<string, unknown>): (part: RouteSchemaPart) => RequestValidator {
  const create = (coerceTypes: Options['coerceTypes']) => {
    const ajv = new Ajv({ ...BASE_OPTIONS, coerceTypes });
    addFormats(ajv);
    for (const schema of Object.values(schemas)) ajv.addSchema(schema as object);
    return ajv;
  };
  let strict: Ajv | undefined;
  let coercing: Ajv | undefined;
  const compile = ({ schema, httpPart }: RouteSchemaPart): ValidateFunction => {
    const ajv = httpPart === 'body' ? (strict ??= create(false)) : (coercing ??= create('array'));
    // A schema with an $id compiles once per instance; a second route using it gets the compiled one.
    const id = (schema as { $id?: unknown }).$id;
    const known = typeof id === 'string' ? ajv.getSchema(id) : undefined;
    return known ?? ajv.compile(schema as object);
  };
  return (part) => {
    let validate: ValidateFunction | undefined;
    const validator: RequestValidator = (data) => {
      validate ??= compile(part);
      const valid = validate(data) as boolean;
      validator.errors = validate.errors;
      return valid;
    };
    return validator;
  };
}
