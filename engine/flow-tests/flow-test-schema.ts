/**
 * A flow test file against schemas/flow-test.schema.json (Ajv, JSON Schema
 * 2020-12, all errors), translated into findings in the test file's words.
 * `oneOf` noise (Ajv reports every branch that failed) is collapsed to the
 * branch the author meant, judged by the type of the value and the fields
 * written — `caller: { says: … }` is a line, `{ presses: … }` keys.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import flowTestSchema from '../../schemas/flow-test.schema.json' with { type: 'json' };
import { describeValue, firstSentence, jsonTypeOf, sentence, translateAjvError, typeWords } from '../flow/lint/ajv-messages.js';
import { didYouMean, listNames } from '../flow/lint/did-you-mean.js';
import { joinPointer } from '../flow/json-pointer.js';
import type { ErrorCode } from '../errors/catalog.js';
import { describeTestPointer } from './describe-test-pointer.js';

// ajv and ajv-formats are CommonJS with a default export.
type Ajv2020Instance = import('ajv/dist/2020.js').default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof import('ajv/dist/2020.js').default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020Instance) => Ajv2020Instance;

/** The flow test schema document. */
export const FLOW_TEST_SCHEMA = flowTestSchema as unknown as Record<string, unknown> & { $id: string; $defs: Record<string, Record<string, unknown>> };

/** A problem the schema check found: code, pointer, words. */
export interface SchemaProblem {
  code: Extract<ErrorCode, 'FLOW_TEST_SCHEMA' | 'FLOW_TEST_UNKNOWN_PROPERTY' | 'FLOW_TEST_MISSING_PROPERTY'>;
  pointer: string;
  message: string;
  hint?: string;
  /** Show it at the property's key rather than its value. */
  atKey?: boolean;
}

let ajv: Ajv2020Instance | undefined;
let validateFile: ValidateFunction | undefined;
const branchValidators = new Map<string, ValidateFunction>();

function instance(): Ajv2020Instance {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, logger: false, validateSchema: false });
    addFormats(ajv);
  }
  return ajv;
}

/** Follows a local `$ref` (`#/$defs/Name`). */
function resolve(schema: unknown): Record<string, unknown> {
  let current = schema as Record<string, unknown> | undefined;
  for (let depth = 0; depth < 10 && current && typeof current.$ref === 'string'; depth++) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    current = match ? FLOW_TEST_SCHEMA.$defs[match[1]!] : undefined;
  }
  return current ?? {};
}

/** Where every object of the schema sits in it (JSON pointer), so a branch Ajv reports can be validated alone. */
const SCHEMA_POINTERS: WeakMap<object, string> = (() => {
  const pointers = new WeakMap<object, string>();
  const walk = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object') return;
    pointers.set(node, pointer);
    for (const [key, value] of Object.entries(node)) walk(value, joinPointer(pointer, key));
  };
  walk(FLOW_TEST_SCHEMA, '');
  return pointers;
})();

/** A validator for branch `index` of the `oneOf` of `parentSchema` (an object of the flow test schema). */
function branchValidator(parentSchema: object, index: number): ValidateFunction {
  const key = `#${SCHEMA_POINTERS.get(parentSchema) ?? ''}/oneOf/${index}`;
  let validate = branchValidators.get(key);
  if (!validate) {
    validateFile ??= instance().compile(FLOW_TEST_SCHEMA);
    validate = instance().getSchema(FLOW_TEST_SCHEMA.$id + key);
    if (!validate) throw new Error(`flow test schema has no ${key}`);
    branchValidators.set(key, validate);
  }
  return validate;
}

const isUnder = (path: string, base: string) => path === base || path.startsWith(`${base}/`);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The description of a property of an object schema (for "is missing `x`" hints). */
function propertyDescription(schema: unknown, property: string): string | undefined {
  const own = (resolve(schema).properties as Record<string, Record<string, unknown>> | undefined)?.[property];
  return own ? firstSentence(own.description ?? resolve(own).description) : undefined;
}

/** Checks a parsed test file; returns its problems (none when it fits the schema). */
export function checkFlowTestSchema(document: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (!isObject(document)) {
    problems.push({
      code: 'FLOW_TEST_SCHEMA',
      pointer: '',
      message: document === undefined || document === null ? 'The file is empty; a flow test file needs `cases`.' : `A flow test file is a mapping of fields (\`cases:\` …), but this file holds ${describeValue(document)}.`,
      hint: 'See docs/flow-tests.md for an example.',
    });
    return problems;
  }
  validateFile ??= instance().compile(FLOW_TEST_SCHEMA);
  if (validateFile(document)) return problems;
  let errors = [...(validateFile.errors ?? [])];
  const describe = (pointer: string) => describeTestPointer(pointer, document);

  // Collapse each failed oneOf (innermost first) into the errors of the branch meant.
  for (;;) {
    const failed = errors.filter((error) => error.keyword === 'oneOf').sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    if (!failed) break;
    const replacement = collapseOneOf(failed, problems, describe);
    errors = [...errors.filter((other) => other !== failed && !(isUnder(other.instancePath, failed.instancePath) && errors.indexOf(other) < errors.indexOf(failed))), ...replacement];
  }

  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'required' && error.instancePath === '') {
      const missing = String(error.params.missingProperty);
      problems.push({ code: 'FLOW_TEST_MISSING_PROPERTY', pointer: `/${missing}`, message: `The test file is missing \`${missing}\`.`, hint: propertyDescription(FLOW_TEST_SCHEMA, missing) ?? 'See docs/flow-tests.md.' });
      continue;
    }
    if (error.keyword === 'propertyNames') continue;
    if (error.keyword === 'dependentRequired') {
      const { property, missingProperty } = error.params as { property: string; missingProperty: string };
      problems.push({ code: 'FLOW_TEST_MISSING_PROPERTY', pointer: joinPointer(error.instancePath, property), message: `\`${property}\` of ${describe(error.instancePath)} needs \`${missingProperty}\` beside it.`, hint: propertyDescription(error.parentSchema, property) ?? 'See docs/flow-tests.md.', atKey: true });
      continue;
    }
    if ((error as ErrorObject & { propertyName?: string }).propertyName !== undefined) {
      const name = String((error as ErrorObject & { propertyName?: string }).propertyName);
      problems.push({ code: 'FLOW_TEST_SCHEMA', pointer: joinPointer(error.instancePath, name), message: `\`${name}\` is not a connector name (${describe(error.instancePath)}).`, hint: 'Connector names are lower case, e.g. `calendar`, `crm`.', atKey: true });
      continue;
    }
    const translated = translateAjvError(error, error.instancePath, { describe, descriptionOf: propertyDescription });
    const key = `${translated.pointer}|${translated.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const code = translated.kind === 'unknown' ? 'FLOW_TEST_UNKNOWN_PROPERTY' : translated.kind === 'missing' ? 'FLOW_TEST_MISSING_PROPERTY' : 'FLOW_TEST_SCHEMA';
    problems.push({ code, pointer: translated.pointer, message: translated.message, ...(translated.hint ? { hint: translated.hint } : {}), ...(translated.atKey ? { atKey: true } : {}) });
  }
  // A branch re-validated after a nested oneOf can report the same thing twice.
  const unique = new Map(problems.map((problem) => [`${problem.pointer}|${problem.message}`, problem]));
  return [...unique.values()];
}

/** The errors of the branch of a failed oneOf the author meant, or none after reporting the value itself. */
function collapseOneOf(error: ErrorObject, problems: SchemaProblem[], describe: (pointer: string) => string): ErrorObject[] {
  const base = error.instancePath;
  const data = error.data;
  const parent = error.parentSchema as Record<string, unknown>;
  const branches = (error.schema as Array<Record<string, unknown>>) ?? [];
  const resolved = branches.map(resolve);
  const type = jsonTypeOf(data);
  const fits = resolved.map((schema) => schema.type === undefined || schema.type === type || (schema.type === 'number' && type === 'integer') || (schema.type === 'integer' && type === 'number'));
  const candidates = branches.filter((_, i) => fits[i]);
  const where = describe(base);
  if (candidates.length === 0) {
    const expected = [...new Set(resolved.flatMap((schema) => (schema.type === undefined ? [] : [schema.type])))];
    problems.push({ code: 'FLOW_TEST_SCHEMA', pointer: base, message: `${sentence(where)} must be ${typeWords(expected)}, but it is ${describeValue(data)}.`, ...(firstSentence(parent.description) ? { hint: firstSentence(parent.description)! } : {}) });
    return [];
  }
  let chosen = candidates.length === 1 ? fits.indexOf(true) : -1;
  if (chosen < 0 && isObject(data)) {
    // Objects: the branch whose required field the author wrote.
    const keys = Object.keys(data);
    chosen = branches.findIndex((_, i) => fits[i] && ((resolved[i]!.required as string[] | undefined) ?? []).length > 0 && ((resolved[i]!.required as string[] | undefined) ?? []).every((field) => keys.includes(field)));
    if (chosen < 0) {
      const required = [...new Set(resolved.flatMap((schema, i) => (fits[i] ? ((schema.required as string[] | undefined) ?? []) : [])))];
      const fields = [...new Set(resolved.flatMap((schema, i) => (fits[i] ? Object.keys((schema.properties as object | undefined) ?? {}) : [])))];
      const unknown = keys.filter((key) => !fields.includes(key));
      if (unknown.length > 0) {
        for (const key of unknown) {
          problems.push({ code: 'FLOW_TEST_UNKNOWN_PROPERTY', pointer: joinPointer(base, key), message: `\`${key}\` is not a field of ${where}.`, hint: didYouMean(key, fields) ?? `Its fields are ${listNames(fields)}.`, atKey: true });
        }
      } else {
        problems.push({ code: 'FLOW_TEST_MISSING_PROPERTY', pointer: base, message: `${sentence(where)} needs ${required.map((field) => `\`${field}\``).join(' or ')}.`, ...(firstSentence(parent.description) ? { hint: firstSentence(parent.description)! } : {}) });
      }
      return [];
    }
  }
  if (chosen < 0) return [];
  const validate = branchValidator(parent, chosen);
  if (validate(data)) {
    // Several branches fit (a field of two of them): say which one to keep.
    problems.push({ code: 'FLOW_TEST_SCHEMA', pointer: base, message: `${sentence(where)} mixes two kinds of value; write one.`, ...(firstSentence(parent.description) ? { hint: firstSentence(parent.description)! } : {}) });
    return [];
  }
  return (validate.errors ?? []).map((inner) => ({ ...inner, instancePath: base + inner.instancePath }));
}
