/**
 * The document against schemas/flow.schema.json (Ajv, JSON Schema 2020-12, all
 * errors), translated: one finding per real problem, named in words, with
 * did-you-mean for misspelt fields and the schema's own description as the
 * hint. `oneOf` noise (Ajv reports every branch that failed) is collapsed to
 * the branch the designer meant, judged by the fields they wrote.
 */
import type { ErrorObject } from 'ajv';
import { describePointer, pointerSubject } from './describe-pointer.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { describeValue, firstSentence, jsonTypeOf, sentence, translateAjvError, typeWords } from './ajv-messages.js';
import { FLOW_SCHEMA, flowBranchValidator, resolveFlowSchemaRef, validateFlowDocument } from './flow-schema-validator.js';
import type { LintContext } from './lint-context.js';
import { isObject } from './lint-context.js';

type Report = LintContext['report'];

/** The description of a property of an object schema, following `$ref`s (the property's own description wins). */
function propertyDescription(schema: unknown, property: string): string | undefined {
  const properties = (resolveFlowSchemaRef(schema)?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const own = properties[property];
  if (!own) return undefined;
  return firstSentence(own.description ?? resolveFlowSchemaRef(own)?.description);
}

/** Every field name any object in the flow schema has, with the objects that have it (for "belongs on a transition"). */
const FIELD_HOMES: Map<string, string[]> = (() => {
  const homes = new Map<string, string[]>();
  const nouns: Record<string, string> = {
    Stage: 'a stage', Transition: 'a transition (under `next` or `global`)', ToolBinding: 'a tool binding (under `tools`)',
    Agent: '`agent`', RunAction: 'a `run` action', SetAction: 'a `set` action', Limits: "the flow's `limits`",
    StageLimits: "a stage's `limits`", TransferTarget: "a stage's `transfer`", Outcome: '`outcome`', ContextDeclaration: '`context`',
    TurnDetection: '`agent.turnDetection`',
  };
  for (const [name, def] of Object.entries(FLOW_SCHEMA.$defs)) {
    for (const field of Object.keys((def.properties ?? {}) as object)) {
      const noun = nouns[name];
      if (noun) homes.set(field, [...(homes.get(field) ?? []), noun]);
    }
  }
  for (const field of Object.keys(FLOW_SCHEMA.properties as object)) homes.set(field, [...(homes.get(field) ?? []), 'the top level of the flow']);
  return homes;
})();

/** Errors Ajv reports under a failed `oneOf`: everything at or below its instance path that came before it. */
function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/**
 * Replaces a failed oneOf and its branch errors by the errors of the branch
 * the designer meant, or by one plain finding when no branch fits.
 */
function collapseOneOf(error: ErrorObject, report: Report): ErrorObject[] | undefined {
  const parent = error.parentSchema as Record<string, unknown>;
  const base = error.instancePath;
  const data = error.data;
  if (parent === FLOW_SCHEMA.$defs.Duration) {
    report('FLOW_INVALID_DURATION', base, `${describeValue(data).replace(/^./, (c) => c.toUpperCase())} is not a duration (${describePointer(base)}).`, {
      hint: 'Write milliseconds as a whole number (1500) or a number with a unit: `500ms`, `30s`, `2m`.',
    });
    return [];
  }
  const branches = ((error.schema as unknown[]) ?? []).map((branch) => branch as Record<string, unknown>);
  const resolved = branches.map((branch) => resolveFlowSchemaRef(branch) ?? {});
  const typeOf = jsonTypeOf(data);
  const fits = resolved.map((schema) => schema.type === undefined || schema.type === typeOf || (schema.type === 'number' && typeOf === 'integer'));
  const candidates = branches.filter((_, i) => fits[i]);
  if (candidates.length === 0) {
    const expected = [...new Set(resolved.map((schema) => schema.type).filter(Boolean))];
    report('FLOW_SCHEMA', base, `${sentence(describePointer(base))} must be ${typeWords(expected)}, but it is ${describeValue(data)}.`, {
      hint: firstSentence(parent.description),
    });
    return [];
  }
  let chosen: Record<string, unknown> | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (!chosen && isObject(data)) {
    // Objects: the branch whose own fields the designer used.
    const fieldsOf = (schema: Record<string, unknown>) => new Set(Object.keys((schema.properties ?? {}) as object));
    const fieldSets = branches.map((branch, i) => (fits[i] ? fieldsOf(resolved[i]!) : new Set<string>()));
    const keys = Object.keys(data);
    const claimed = branches.filter((_, i) => fits[i] && keys.some((key) => fieldSets[i]!.has(key) && fieldSets.every((other, j) => j === i || !other.has(key))));
    const allFields = [...new Set(fieldSets.flatMap((set) => [...set]))];
    const required = resolved.flatMap((schema, i) => (fits[i] && Array.isArray(schema.required) ? (schema.required as string[]) : []));
    if (claimed.length === 1) chosen = claimed[0];
    else if (claimed.length > 1) {
      const used = keys.filter((key) => required.includes(key));
      report('FLOW_SCHEMA', base, `${sentence(describePointer(base))} has both ${used.map((field) => `\`${field}\``).join(' and ')}; one ${noun(parent)} does only one of them.`, {
        hint: `Split it into separate ${noun(parent)}s.`,
      });
      return [];
    } else {
      report('FLOW_MISSING_PROPERTY', base, `${sentence(describePointer(base))} needs ${required.map((field) => `\`${field}\``).join(' or ')}.`, {
        hint: firstSentence(parent.description),
      });
      for (const key of keys.filter((key) => !allFields.includes(key))) {
        report('FLOW_UNKNOWN_PROPERTY', `${base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, `\`${key}\` is not a field of ${describePointer(base)}.`, {
          hint: didYouMean(key, allFields) ?? `Its fields are ${listNames(allFields)}.`,
          at: 'key',
        });
      }
      return [];
    }
  }
  if (!chosen) return undefined;
  const validate = flowBranchValidator(chosen);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((inner) => ({ ...inner, instancePath: base + inner.instancePath }));
}

/** "action" for the Action definition, else "value". */
function noun(schema: Record<string, unknown>): string {
  return schema === FLOW_SCHEMA.$defs.Action ? 'action' : 'value';
}

/** Runs the schema check; returns whether the document matches the schema. */
export function checkFlowSchema(document: unknown, report: Report): boolean {
  if (document === null || document === undefined) {
    report('FLOW_SCHEMA', '', 'The file is empty; a flow needs at least `id`, `name`, `agent`, `initial` and `stages`.', {
      hint: 'Start from an example in flows/, or see docs/flow-language.md.',
    });
    return false;
  }
  if (!isObject(document)) {
    report('FLOW_SCHEMA', '', `A flow must be a mapping of fields (\`id:\`, \`stages:\` …), but this file holds ${describeValue(document)}.`, {
      hint: 'Start from an example in flows/, or see docs/flow-language.md.',
    });
    return false;
  }
  let errors = validateFlowDocument(document);
  if (errors.length === 0) return true;

  // Collapse each failed oneOf (innermost first) into the errors of the branch meant.
  for (;;) {
    const index = errors.findIndex((error) => error.keyword === 'oneOf');
    if (index < 0) break;
    const error = errors[index]!;
    const replacement = collapseOneOf(error, report) ?? [];
    errors = [...errors.filter((other, i) => i > index || !isUnder(other.instancePath, error.instancePath)).filter((other) => other !== error), ...replacement];
  }

  const seen = new Set<string>();
  for (const error of errors) {
    // propertyNames: Ajv reports the name's own failure and then the propertyNames summary; keep the summary.
    if ((error as ErrorObject & { propertyName?: string }).propertyName !== undefined) continue;
    if (error.keyword === 'propertyNames') {
      const name = String(error.params.propertyName);
      const pointer = `${error.instancePath}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const key = `names:${pointer}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const names = resolveFlowSchemaRef((error.parentSchema as Record<string, unknown>).propertyNames);
      const what = pointerSubject(error.instancePath).rest.at(-1) === 'stages' || error.instancePath === '/stages' ? 'stage name' : error.instancePath.endsWith('/collect') ? 'variable name' : 'name';
      report('FLOW_SCHEMA', pointer, `\`${name}\` is not a valid ${what} (${describePointer(error.instancePath)}).`, {
        hint: firstSentence(names?.description) ?? 'Use letters, digits, `_` and `-`, starting with a letter.',
        at: 'key',
      });
      continue;
    }
    const translated = translateAjvError(error, error.instancePath, { descriptionOf: propertyDescription });
    const key = `${translated.pointer}|${error.keyword}|${translated.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let hint = translated.hint;
    if (translated.kind === 'unknown' && !/Did you mean/.test(hint ?? '')) {
      const field = String(error.params.additionalProperty);
      const homes = FIELD_HOMES.get(field);
      if (homes?.length) hint = `\`${field}\` belongs on ${homes.join(' or ')}. ${hint ?? ''}`.trim();
    }
    const code = translated.kind === 'unknown' ? 'FLOW_UNKNOWN_PROPERTY' : translated.kind === 'missing' ? 'FLOW_MISSING_PROPERTY' : 'FLOW_SCHEMA';
    report(code, translated.pointer, translated.message, { hint, ...(translated.atKey ? { at: 'key' as const } : {}) });
  }
  return false;
}
