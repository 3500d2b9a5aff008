/**
 * JSON Schema validation for a flow version: intent `collect` arguments, tool
 * arguments, the call's context and outcome.
 *
 * Why lazy: compiling a schema with Ajv costs around a millisecond, and a
 * 1,000-stage flow has hundreds of schemas of which a call uses a handful. Each
 * schema is compiled the first time a value is checked against it and kept for
 * the flow version (the validators live on the CompiledFlow, which is cached
 * per version), so every schema is still compiled at most once.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its callable export is the module itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The verdict on one value: ok, or readable problems (`day: must be string`); `brokenSchema` when the schema itself could not be compiled. */
export type ValidationResult = { ok: true } | { ok: false; errors: string[]; brokenSchema?: boolean };

export interface SchemaValidators {
  /** Checks `value` against `schema`; `label` names the value in messages (`arguments`, `context`). */
  validate(schema: object, value: unknown, label: string): ValidationResult;
}

export function createSchemaValidators(): SchemaValidators {
  let ajv: Ajv2020 | undefined;
  const compiled = new WeakMap<object, ValidateFunction | { broken: string }>();

  const validatorFor = (schema: object): ValidateFunction | { broken: string } => {
    let entry = compiled.get(schema);
    if (!entry) {
      ajv ??= addFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
      try {
        entry = ajv.compile(schema);
      } catch (error) {
        entry = { broken: error instanceof Error ? error.message : String(error) };
      }
      compiled.set(schema, entry);
    }
    return entry;
  };

  return {
    validate(schema, value, label) {
      const validator = validatorFor(schema);
      if ('broken' in validator) return { ok: false, errors: [`the flow's schema for ${label} is invalid: ${validator.broken}`], brokenSchema: true };
      if (validator(value)) return { ok: true };
      return { ok: false, errors: (validator.errors ?? []).map((error) => describeError(error, label)) };
    },
  };
}

function describeError(error: ErrorObject, label: string): string {
  const where = error.instancePath ? `${label}${error.instancePath.replaceAll('/', '.')}` : label;
  if (error.keyword === 'additionalProperties') {
    return `${where}: unexpected field "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`;
  }
  return `${where}: ${error.message ?? 'is invalid'}`;
}
