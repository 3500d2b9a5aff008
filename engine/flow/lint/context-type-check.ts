/**
 * Writes to the context against the context schema: a `collect`, `assign` or
 * `set` whose value type contradicts the declared type (collect
 * `age: { type: string }` when the schema says `age` is an integer; assign
 * `slots: "$result.slots"` when the operation returns a list and the schema
 * says text), writes to undeclared variables of a closed schema, and writes to
 * the reserved `call`. Also `$result.<field>` paths the operation's output does
 * not have.
 */
import { joinPointer } from '../json-pointer.js';
import { typeWords } from './ajv-messages.js';
import { didYouMean } from './did-you-mean.js';
import { inferExpressionType, missingResultField } from './expression-type.js';
import type { ExpressionSite, WriteSite } from './flow-sites.js';
import { isObject, isString, type LintContext } from './lint-context.js';
import { schemaAtPath, schemaTypes, typesCompatible } from './schema-path.js';
import { operationOf } from './tool-check.js';

/** The tool whose result `$result` is, for an expression site. */
function resultTool(site: ExpressionSite): string | undefined {
  if (site.owner.type === 'tool' && site.role === 'assign') return site.owner.tool;
  if (site.owner.type === 'transition') {
    const on = site.owner.transition.transition.on;
    if (isString(on) && on.endsWith('.done')) return on.slice(0, -'.done'.length);
  }
  return undefined;
}

const viaWords: Record<WriteSite['via'], string> = { collect: 'collected', set: 'set', assign: 'assigned' };

export function checkContextTypes(context: LintContext): void {
  const { flow, sites, report } = context;
  const declaration = isObject(flow.context) ? flow.context : undefined;
  const schema = declaration && isObject(declaration.schema) ? declaration.schema : undefined;

  if (declaration && isObject(declaration.initial) && 'call' in declaration.initial) {
    report('FLOW_RESERVED_VARIABLE', '/context/initial/call', '`call` cannot be given a starting value: Parley fills it with the call\'s own facts (`call.from`, `call.to`, …).', {
      hint: 'Use another name for your variable.',
      at: 'key',
    });
  }
  if (schema && isObject(schema.properties) && 'call' in schema.properties) {
    report('FLOW_RESERVED_VARIABLE', '/context/schema/properties/call', '`call` cannot be declared in the context schema: Parley reserves it for the call\'s own facts.', {
      hint: 'Remove it; `call.id`, `call.from`, `call.to`, `call.direction`, `call.parameters` and `call.startedAt` are always there.',
      at: 'key',
    });
  }

  for (const write of sites.writes) {
    const segments = write.path.split('.');
    if (segments[0] === 'call') {
      report('FLOW_RESERVED_VARIABLE', write.pointer, `\`${write.path}\` cannot be ${viaWords[write.via]}: \`call\` holds the call's own facts and is read-only.`, {
        hint: 'Use another variable name.',
        at: 'key',
      });
      continue;
    }
    if (!schema) continue;
    const found = schemaAtPath(schema, segments);
    if (!found.found) {
      if (found.closed) {
        const level = schemaAtPath(schema, segments.slice(0, found.depth));
        const names = level.found && isObject(level.schema.properties) ? Object.keys(level.schema.properties) : [];
        report('FLOW_UNDECLARED_VARIABLE', write.pointer, `\`${write.path}\` is ${viaWords[write.via]} here, but the context schema does not declare it and allows no other variables${found.depth ? ` in \`${segments.slice(0, found.depth).join('.')}\`` : ''}.`, {
          hint: didYouMean(segments[found.depth]!, names) ?? `Declare it under \`context.schema.properties\`${found.depth ? ` of \`${segments.slice(0, found.depth).join('.')}\`` : ''}.`,
          at: 'key',
        });
      }
      continue;
    }
    const declared = schemaTypes(found.schema);
    if (!declared) continue;
    let actual: Set<string> | undefined;
    let pointer = write.pointer;
    if (write.via === 'collect') {
      actual = isObject(write.schema) ? schemaTypes(write.schema) : undefined;
      if (isObject(write.schema) && write.schema.type !== undefined) pointer = joinPointer(write.pointer, 'type');
    } else if (write.expression && !('jsonataCode' in write.expression.parsed)) {
      const tool = resultTool(write.expression);
      const output = tool ? operationOf(context, tool)?.output : undefined;
      actual = inferExpressionType(write.expression.parsed.ast, { context: schema, ...(output ? { result: output } : {}) });
      pointer = write.expression.pointer;
    }
    if (!actual || typesCompatible(actual, declared)) continue;
    const what = write.via === 'collect' ? `is collected as ${typeWords([...actual])}` : `gets ${typeWords([...actual])} from \`${write.expression!.source}\``;
    report('FLOW_TYPE_MISMATCH', pointer, `\`${write.path}\` ${what}, but the context schema says it is ${typeWords([...declared])}.`, {
      hint:
        write.via === 'collect'
          ? `Make them agree: collect it with \`type: ${[...declared][0]}\`, or change \`${write.path}\` in \`context.schema\`.`
          : `Make them agree: convert the value (e.g. \`$string(…)\`, \`$number(…)\`), or change \`${write.path}\` in \`context.schema\`.`,
    });
  }

  // `$result.<field>` must be a field of the operation's output.
  for (const site of sites.expressions) {
    if ('jsonataCode' in site.parsed || !site.parsed.variables.includes('result')) continue;
    const tool = resultTool(site);
    const operation = tool ? operationOf(context, tool) : undefined;
    if (!operation) continue;
    const missing = missingResultField(site.parsed.ast, operation.output);
    if (!missing) continue;
    const offset = site.source.indexOf(`.${missing.field}`);
    report('FLOW_UNKNOWN_OUTPUT_FIELD', site.pointer, `\`$result.${missing.path}\`: the result of \`${tool}\` has no field \`${missing.field}\`, so this is always empty.`, {
      hint: didYouMean(missing.field, missing.known) ?? `Its fields are ${missing.known.map((name) => `\`${name}\``).join(', ')}.`,
      position: context.positions?.positionInString(site.pointer, offset < 0 ? 0 : offset + 1),
    });
  }
}
