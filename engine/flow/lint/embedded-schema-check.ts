/**
 * JSON Schemas written inside the flow — `context.schema`, each `collect`
 * field, a tool's `parameters`, `outcome.schema` — are valid JSON Schema
 * 2020-12 (checked against the meta-schema, plus misspelt keywords, which the
 * meta-schema lets through: `maxLenght` would silently check nothing), and
 * `context.initial` matches `context.schema`.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { joinPointer } from '../json-pointer.js';
import { translateAjvError, describeValue, sentence } from './ajv-messages.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { compileUserSchema, metaSchemaErrors } from './flow-schema-validator.js';
import { entriesOf, isObject, type LintContext } from './lint-context.js';

/** JSON Schema 2020-12 keywords (core, applicator, validation, meta-data, format, content, unevaluated), plus `definitions`. */
const KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', '$comment', '$defs', 'definitions',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'format',
  'contentEncoding', 'contentMediaType', 'contentSchema',
]);
/** Keywords whose value is a schema, a list of schemas, or a map of schemas. */
const SCHEMA_VALUED = ['additionalProperties', 'propertyNames', 'items', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

interface SchemaLocation {
  pointer: string;
  schema: unknown;
  /** What it describes, for messages. */
  what: string;
  /** `context.schema` and `parameters` must describe objects. */
  object?: boolean;
}

function locations(context: LintContext): SchemaLocation[] {
  const { flow, model } = context;
  const list: SchemaLocation[] = [];
  if (isObject(flow.context) && flow.context.schema !== undefined) list.push({ pointer: '/context/schema', schema: flow.context.schema, what: 'the context schema', object: true });
  for (const [name, binding] of entriesOf(flow.tools)) {
    if (isObject(binding) && binding.parameters !== undefined) list.push({ pointer: joinPointer('/tools', name, 'parameters'), schema: binding.parameters, what: `the \`parameters\` of tool \`${name}\``, object: true });
  }
  for (const transition of model.transitions) {
    for (const [field, schema] of entriesOf(transition.transition.collect)) {
      list.push({ pointer: joinPointer(transition.pointer, 'collect', field), schema, what: `the schema of collected \`${field}\`` });
    }
  }
  if (isObject(flow.outcome) && flow.outcome.schema !== undefined) list.push({ pointer: '/outcome/schema', schema: flow.outcome.schema, what: 'the outcome schema' });
  return list;
}

/** Misspelt or unknown keywords, anywhere in a schema. The path is kept as segments and joined only to report. */
function unknownKeywords(schema: unknown, pointer: string, report: (pointer: string, keyword: string) => void, path: Array<string | number> = []): void {
  if (!isObject(schema)) return;
  for (const key of Object.keys(schema)) if (!KEYWORDS.has(key)) report(joinPointer(pointer, ...path, key), key);
  for (const key of SCHEMA_VALUED) if (schema[key] !== undefined) unknownKeywords(schema[key], pointer, report, [...path, key]);
  for (const key of SCHEMA_LISTS) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((sub, i) => unknownKeywords(sub, pointer, report, [...path, key, i]));
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) for (const [name, sub] of Object.entries(map)) unknownKeywords(sub, pointer, report, [...path, key, name]);
  }
}

/** One finding per place: the meta-schema reports `type: strin` three ways (enum, array, anyOf). */
function pickMetaErrors(errors: ErrorObject[]): ErrorObject[] {
  if (errors.length === 0) return errors;
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  return [...byPath.values()].map((group) => group.find((error) => error.keyword === 'enum') ?? group.find((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf') ?? group[0]!);
}

export function checkEmbeddedSchemas(context: LintContext): void {
  const { report } = context;
  for (const location of locations(context)) {
    if (!isObject(location.schema)) continue;
    const invalid = (pointer: string, message: string, hint?: string, at?: 'key') => report('FLOW_INVALID_SCHEMA', pointer, message, { hint, ...(at ? { at } : {}) });

    unknownKeywords(location.schema, location.pointer, (pointer, keyword) =>
      invalid(pointer, `\`${keyword}\` is not a JSON Schema keyword (in ${location.what}), so it checks nothing.`, didYouMean(keyword, KEYWORDS) ?? 'Remove it, or see json-schema.org for the keywords.', 'key'),
    );

    let valid = true;
    for (const error of pickMetaErrors(metaSchemaErrors(location.schema))) {
      valid = false;
      const pointer = location.pointer + error.instancePath;
      if (error.instancePath.endsWith('/type') || error.instancePath === '/type' || (error.keyword === 'enum' && error.schemaPath.includes('simpleTypes'))) {
        const value = error.data;
        const types = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
        invalid(pointer, `${typeof value === 'string' ? `\`${value}\`` : describeValue(value)} is not a JSON Schema type (in ${location.what}).`, `${typeof value === 'string' ? (didYouMean(value, types) ?? '') : ''} Types are ${listNames(types)}.`.trim());
        continue;
      }
      const translated = translateAjvError(error, pointer, { describe: (p) => `\`${p.slice(location.pointer.length).replace(/^\//, '').replaceAll('/', '.') || 'the schema'}\` in ${location.what}` });
      invalid(translated.pointer, translated.message, translated.hint ?? 'See json-schema.org for what each keyword takes (Parley uses JSON Schema 2020-12).');
    }

    if (location.object && location.schema.type !== undefined && location.schema.type !== 'object') {
      valid = false;
      invalid(joinPointer(location.pointer, 'type'), `${sentence(location.what)} must describe an object (\`type: object\` with \`properties\`), not ${String(location.schema.type)}.`, 'Use `type: object` and list the fields under `properties`.');
    }

    // A schema the meta-schema accepts can still fail to compile (a `$ref` to nowhere, a bad `pattern`).
    // The context schema is compiled once, in the form that checks `context.initial`.
    if (valid && (location.pointer === '/context/schema' || location.pointer === '/outcome/schema' || location.pointer.endsWith('/parameters'))) {
      const compiled = compileUserSchema(location.pointer === '/context/schema' ? initialContextSchema(location.schema) : location.schema);
      if ('error' in compiled) invalid(location.pointer, `${sentence(location.what)} cannot be used: ${compiled.error}.`, 'Check `$ref`s (only `#/$defs/…` inside the same schema) and `pattern`s.');
      else if (location.pointer === '/context/schema') checkInitialContext(context, compiled.validate);
    }
  }
}

/**
 * The context schema as `context.initial` must match it. Starting values are
 * partial — calls add values when they start — so the top-level `required` is
 * not enforced; everything the initial values do contain must match.
 */
function initialContextSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { required: _required, ...partial } = schema;
  return partial;
}

/** `context.initial` against the context schema (compiled by initialContextSchema). */
function checkInitialContext(context: LintContext, validate: ValidateFunction): void {
  const initial = isObject(context.flow.context) ? context.flow.context.initial : undefined;
  if (!isObject(initial) || validate(initial)) return;
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    const translated = translateAjvError(error, `/context/initial${error.instancePath}`, {
      describe: (pointer) => (pointer === '/context/initial' ? 'the initial context' : `\`${pointer.slice('/context/initial/'.length).replaceAll('/', '.')}\` in the initial context`),
    });
    context.report('FLOW_INVALID_INITIAL_CONTEXT', translated.pointer, `${translated.message.replace(/\.$/, '')} (checked against \`context.schema\`).`, {
      hint: translated.hint ?? 'Change the starting value or `context.schema` so they agree.',
      ...(translated.atKey ? { at: 'key' as const } : {}),
    });
  }
}
