/**
 * The JSON type an expression produces, when it can be told without running
 * it: literals, operators, well-known functions, and paths whose schema is
 * known (the context schema, an operation's output for `$result`). Unknown
 * stays unknown — the type check only reports what it can be sure of.
 */
import type { ExpressionNode } from '../expressions.js';
import { schemaAtPath, schemaTypes } from './schema-path.js';

export interface TypeEnvironment {
  /** The context schema. */
  context?: unknown;
  /** The output schema of the operation whose result `$result` is. */
  result?: unknown;
}

const NUMBER_FUNCTIONS = new Set(['sum', 'max', 'min', 'average', 'number', 'abs', 'power', 'sqrt', 'random', 'millis', 'toMillis']);
const INTEGER_FUNCTIONS = new Set(['count', 'length', 'floor', 'ceil', 'round', 'parseInteger']);
const STRING_FUNCTIONS = new Set([
  'string', 'substring', 'substringBefore', 'substringAfter', 'lowercase', 'uppercase', 'trim', 'pad', 'join', 'formatNumber',
  'formatBase', 'formatInteger', 'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl',
  'now', 'fromMillis', 'replace',
]);
const BOOLEAN_FUNCTIONS = new Set(['boolean', 'not', 'exists', 'contains']);
const ARRAY_FUNCTIONS = new Set(['keys', 'split', 'sort', 'reverse', 'distinct', 'zip']);

const set = (...types: string[]) => new Set(types);

/** The possible JSON types of the expression's value, or undefined when unknown. */
export function inferExpressionType(node: ExpressionNode | undefined, env: TypeEnvironment): Set<string> | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'string':
      return set('string');
    case 'number':
      return set(Number.isInteger(node.value) ? 'integer' : 'number');
    case 'value':
      return node.value === null ? set('null') : set('boolean');
    case 'regex':
      return undefined;
    case 'unary':
      if (node.value === '[') return set('array');
      if (node.value === '{') return set('object');
      if (node.value === '-') return set('number');
      return undefined;
    case 'binary':
      switch (node.value) {
        case '+': case '-': case '*': case '/': case '%':
          return set('number');
        case '&':
          return set('string');
        case '=': case '!=': case '<': case '<=': case '>': case '>=': case 'in': case 'and': case 'or':
          return set('boolean');
        case '..':
          return set('array');
        default:
          return undefined;
      }
    case 'condition': {
      const then = inferExpressionType(node.then, env);
      // A condition without `else` yields nothing when false: the type is then unknown.
      const otherwise = node.else ? inferExpressionType(node.else, env) : undefined;
      return then && otherwise ? new Set([...then, ...otherwise]) : undefined;
    }
    case 'block':
      return inferExpressionType(node.expressions?.at(-1), env);
    case 'function': {
      const procedure = node.procedure;
      if (procedure?.type !== 'variable') return undefined;
      const name = String(procedure.value);
      if (INTEGER_FUNCTIONS.has(name)) return set('integer');
      if (NUMBER_FUNCTIONS.has(name)) return set('number');
      if (STRING_FUNCTIONS.has(name)) return set('string');
      if (BOOLEAN_FUNCTIONS.has(name)) return set('boolean');
      if (ARRAY_FUNCTIONS.has(name)) return set('array');
      return undefined;
    }
    case 'variable':
      return node.value === 'result' && env.result !== undefined ? lookup(env.result, []) : undefined;
    case 'path':
      return pathType(node, env);
    default:
      return undefined;
  }
}

/** The plain names of a path after its start (`$result.a.b` → a, b), or undefined when it filters, maps or computes. */
function plainSteps(steps: ExpressionNode[]): string[] | undefined {
  const names: string[] = [];
  for (const step of steps) {
    if (step.type !== 'name' || step.stages?.length || step.predicate?.length || step.group) return undefined;
    names.push(String(step.value));
  }
  return names;
}

function pathType(node: ExpressionNode, env: TypeEnvironment): Set<string> | undefined {
  const steps = node.steps ?? [];
  // `path[]` keeps arrays; its type is not the field's.
  if ((node as ExpressionNode & { keepSingletonArray?: boolean }).keepSingletonArray || steps.length === 0) return undefined;
  const first = steps[0]!;
  if (first.type === 'variable' && first.value === 'result') {
    if (env.result === undefined || first.predicate?.length || first.stages?.length) return undefined;
    const names = plainSteps(steps.slice(1));
    return names ? lookup(env.result, names) : undefined;
  }
  if (first.type === 'name') {
    if (env.context === undefined) return undefined;
    const names = plainSteps(steps);
    return names ? lookup(env.context, names) : undefined;
  }
  return undefined;
}

/**
 * Type of a path in a schema. A path through an array maps over its items in
 * JSONata, so it is only typed when no array is crossed.
 */
function lookup(schema: unknown, names: string[]): Set<string> | undefined {
  for (let i = 0; i < names.length; i++) {
    const prefix = schemaAtPath(schema, names.slice(0, i));
    if (!prefix.found) return undefined;
    const types = schemaTypes(prefix.schema);
    if (i > 0 && types?.has('array')) return undefined;
  }
  const found = schemaAtPath(schema, names);
  return found.found ? schemaTypes(found.schema) : undefined;
}

/** Whether `$result.a.b` names a field the output schema lacks (for a warning); undefined when it cannot tell. */
export function missingResultField(node: ExpressionNode | undefined, output: unknown): { path: string; field: string; known: string[] } | undefined {
  const missing: Array<{ path: string; field: string; known: string[] }> = [];
  const visit = (current: ExpressionNode | undefined): void => {
    if (!current || typeof current !== 'object') return;
    if (current.type === 'path' && current.steps?.[0]?.type === 'variable' && current.steps[0].value === 'result') {
      const names: string[] = [];
      for (const step of current.steps.slice(1)) {
        if (step.type !== 'name') break;
        names.push(String(step.value));
        const found = schemaAtPath(output, names);
        if (!found.found) {
          if (found.closed || found.depth === names.length - 1) {
            const parent = schemaAtPath(output, names.slice(0, -1));
            const known = parent.found && parent.schema.properties && typeof parent.schema.properties === 'object' ? Object.keys(parent.schema.properties) : [];
            if (known.length) missing.push({ path: names.join('.'), field: names.at(-1)!, known });
          }
          break;
        }
        if (step.stages?.length || step.predicate?.length) break;
      }
    }
    for (const value of Object.values(current)) {
      if (Array.isArray(value)) for (const item of value) visit(item as ExpressionNode);
      else if (value && typeof value === 'object') visit(value as ExpressionNode);
    }
  };
  visit(node);
  return missing[0];
}
