/**
 * Conditions and mappings in flows are JSONata expressions over the call
 * context. This is the only place Parley evaluates them.
 *
 * Why JSONata 1.8: it evaluates synchronously (2.x returns promises), so XState
 * guards and assignments can call it directly during a transition. It is a
 * sandbox by construction — no access to JavaScript functions, prototypes
 * (`constructor`, `__proto__` are own-property lookups only), the process or the
 * file system. What it lacks we add here: a budget of evaluation steps and
 * depth so a runaway expression cannot stall a call, and a clock (`$now`,
 * `$millis`) that comes from the call, not the machine, so runs are reproducible.
 */
import jsonata from 'jsonata';

/** Variables an expression may use besides the context, by where it is evaluated. */
export const EXPRESSION_VARIABLES = ['result', 'args', 'error'] as const;
export type ExpressionVariable = (typeof EXPRESSION_VARIABLES)[number];

/**
 * How much work one evaluation may do before it fails: evaluation steps (nodes
 * JSONata evaluates: a condition over the context takes tens, a mapping about
 * five per list item, so 50,000 allows lists of some 10,000 items) and nesting
 * depth. Counted, not timed, so the same expression on the same data always gives the same
 * answer, however busy the machine is. A wall-clock limit stays as a last
 * safety net for single steps that are slow in themselves (huge strings).
 */
export const EXPRESSION_STEP_BUDGET = 50_000;
export const EXPRESSION_DEPTH_BUDGET = 200;
export const EXPRESSION_TIME_LIMIT_MS = 2_000;

/**
 * A syntax error, with the 0-based character offset JSONata reports (it points
 * just past the offending token) and that token when JSONata names it.
 */
export class ExpressionSyntaxError extends Error {
  readonly offset: number;
  readonly jsonataCode: string;
  readonly token: string | undefined;
  constructor(message: string, offset: number, jsonataCode: string, token?: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.offset = offset;
    this.jsonataCode = jsonataCode;
    this.token = token;
  }

  /** 0-based offset where the offending token starts (best effort: JSONata reports where it ends). */
  get start(): number {
    const length = this.token === undefined || this.token === '(end)' ? 1 : this.token.length;
    return Math.max(0, this.offset - length);
  }
}

/** An evaluation failure: type error, budget exceeded, bad function argument. */
export class ExpressionEvaluationError extends Error {
  readonly expression: string;
  readonly jsonataCode: string | undefined;
  constructor(expression: string, message: string, jsonataCode?: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
    this.expression = expression;
    this.jsonataCode = jsonataCode;
  }
}

export interface EvaluationScope {
  /** `$result`, `$args`, `$error` where they apply. */
  variables?: Partial<Record<ExpressionVariable, unknown>>;
  /** Other `$name` values, for expressions outside flows (the http connector's `map`: `$status`, `$headers`). The clock and the variables above win over them. */
  extra?: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch for `$now()` and `$millis()`. */
  now?: number;
}

/** An expression ready to evaluate (also what parseExpression returns). */
export interface CompiledExpression extends ParsedExpression {
  /** Evaluates over `input`; the result is plain JSON (or undefined). Throws ExpressionEvaluationError. */
  evaluate(input: unknown, scope?: EvaluationScope): unknown;
}

interface JsonataError {
  code?: string;
  position?: number;
  /** A string, or the number itself for a misplaced number literal. */
  token?: string | number;
  message?: string;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  group?: { lhs: Array<[AstNode, AstNode]> };
  lhs?: AstNode | Array<[AstNode, AstNode]>;
  rhs?: AstNode;
  expression?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  procedure?: AstNode;
  body?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
  terms?: Array<{ expression: AstNode }>;
  focus?: string;
  index?: string;
  tuple?: boolean;
}

/**
 * JSONata's built-in functions: calls to these are not variable reads.
 * (`$eval` is left out on purpose: expressions built from strings at run time
 * cannot be checked before a call.)
 */
const BUILTIN_FUNCTIONS = new Set([
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter',
  'lowercase', 'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join',
  'formatNumber', 'formatBase', 'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round',
  'abs', 'sqrt', 'power', 'random', 'boolean', 'not', 'map', 'zip', 'filter', 'single', 'reduce',
  'sift', 'keys', 'lookup', 'append', 'exists', 'spread', 'merge', 'reverse', 'each', 'error',
  'assert', 'type', 'sort', 'shuffle', 'distinct', 'base64encode', 'base64decode', 'encodeUrlComponent',
  'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'now', 'millis', 'toMillis', 'fromMillis', 'clone',
]);

/** Functions that are always refused, even though JSONata has them. */
const FORBIDDEN_FUNCTIONS = new Set(['eval']);

export function isBuiltinFunction(name: string): boolean {
  return BUILTIN_FUNCTIONS.has(name);
}

/** JSONata's syntax tree, for static analysis (the linter infers result types from it). */
export type ExpressionNode = AstNode;

/** An expression parsed and checked: what the linter needs. */
export interface ParsedExpression {
  readonly source: string;
  /**
   * Context paths the expression reads from the root, e.g. `patient.children`
   * for `$count(patient.children) > 1` (used by the linter's variable checks).
   */
  readonly paths: readonly string[];
  /** `$name` variables it reads that are not its own (`$result`, `$args`, …). */
  readonly variables: readonly string[];
  readonly ast: ExpressionNode;
}

function parse(source: string): { expr: jsonata.Expression; parsed: ParsedExpression } {
  let expr: jsonata.Expression;
  try {
    expr = jsonata(source);
  } catch (error) {
    const e = error as JsonataError;
    throw new ExpressionSyntaxError(describeSyntaxError(e), e.position ?? 0, e.code ?? 'S0000', e.token === undefined ? undefined : String(e.token));
  }
  const ast = expr.ast() as unknown as AstNode;
  const analysis = analyse(ast);
  if (analysis.forbidden) {
    throw new ExpressionSyntaxError(`$${analysis.forbidden.name}() is not allowed in flow expressions`, analysis.forbidden.position, 'PARLEY', `$${analysis.forbidden.name}`);
  }
  return { expr, parsed: { source, paths: analysis.paths, variables: analysis.variables, ast } };
}

/**
 * Parses and checks an expression (the same checks as compileExpression,
 * whose cache it shares: linting a flow prepares its compilation). Throws
 * ExpressionSyntaxError.
 */
export function parseExpression(source: string): ParsedExpression {
  return compileExpression(source);
}

// JSONata 1.8 builds its whole parser for every expression (~0.1 ms each), so
// a 1,000-stage flow spends most of its validation and compilation parsing.
// Compiled expressions are kept by source (least recently used dropped past
// the limit): the linter's parse serves the compiler, a re-lint after an
// edit parses only what changed, and flows that share an expression share it.
// Sharing is safe: a CompiledExpression holds no state between evaluations,
// and evaluation is synchronous and not re-entrant.
const COMPILED_CACHE_LIMIT = 5_000;
const compiledCache = new Map<string, CompiledExpression | ExpressionSyntaxError>();

/**
 * Parses and checks an expression. Throws ExpressionSyntaxError for syntax
 * errors and for forbidden functions. The same source gives the same object.
 */
export function compileExpression(source: string): CompiledExpression {
  const cached = compiledCache.get(source);
  if (cached !== undefined) {
    compiledCache.delete(source);
    compiledCache.set(source, cached);
    if (cached instanceof ExpressionSyntaxError) throw new ExpressionSyntaxError(cached.message, cached.offset, cached.jsonataCode, cached.token);
    return cached;
  }
  let compiled: CompiledExpression | ExpressionSyntaxError;
  try {
    compiled = build(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    compiled = error;
  }
  if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.delete(compiledCache.keys().next().value!);
  compiledCache.set(source, compiled);
  if (compiled instanceof ExpressionSyntaxError) throw compiled;
  return compiled;
}

function build(source: string): CompiledExpression {
  const { expr, parsed: analysis } = parse(source);

  // The budget is checked on every node JSONata evaluates. Evaluation is
  // synchronous and not re-entrant, so one counter per compiled expression is safe.
  let depth = 0;
  let steps = 0;
  let deadline = 0;
  expr.assign('__evaluate_entry', (_e: unknown, _i: unknown, env: { isParallelCall?: boolean }) => {
    if (env?.isParallelCall) return;
    depth++;
    steps++;
    if (depth > EXPRESSION_DEPTH_BUDGET) throw { code: 'U1001', message: `expression nests deeper than ${EXPRESSION_DEPTH_BUDGET} levels` };
    if (steps > EXPRESSION_STEP_BUDGET) throw { code: 'U1002', message: `expression took more than ${EXPRESSION_STEP_BUDGET} evaluation steps (a loop that does not end?)` };
    // The clock is read once every 1,024 steps: cheap, and only a safety net.
    if ((steps & 1023) === 0 && Date.now() > deadline) throw { code: 'U1003', message: `expression ran longer than ${EXPRESSION_TIME_LIMIT_MS} ms` };
  });
  expr.assign('__evaluate_exit', (_e: unknown, _i: unknown, env: { isParallelCall?: boolean }) => {
    if (env?.isParallelCall) return;
    depth--;
  });

  return {
    source,
    paths: analysis.paths,
    variables: analysis.variables,
    ast: analysis.ast,
    evaluate(input: unknown, scope: EvaluationScope = {}): unknown {
      const now = scope.now ?? Date.now();
      const bindings: Record<string, unknown> = {
        ...scope.extra,
        now: () => new Date(now).toISOString(),
        millis: () => now,
      };
      for (const name of EXPRESSION_VARIABLES) bindings[name] = scope.variables?.[name];
      depth = 0;
      steps = 0;
      deadline = Date.now() + EXPRESSION_TIME_LIMIT_MS;
      try {
        return toPlain(expr.evaluate(input, bindings));
      } catch (error) {
        const e = error as JsonataError;
        throw new ExpressionEvaluationError(source, e.message ?? String(error), e.code);
      }
    },
  };
}

/** Evaluates a condition: JSONata truthiness (empty arrays and missing values are false). */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isTruthy);
  return Boolean(value);
}

function describeSyntaxError(e: JsonataError): string {
  // S0201's message is only "Syntax error: <token>"; say what it means.
  if (e.code === 'S0201' && e.token !== undefined) return `unexpected "${String(e.token)}"`;
  const message = (e.message ?? 'syntax error').replace(/^Syntax error: /, '');
  return e.token !== undefined && !message.includes(String(e.token)) ? `${message} (at "${e.token}")` : message;
}

/** JSONata marks its result sequences with extra properties; give callers plain JSON. */
function toPlain(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

interface Analysis {
  paths: string[];
  variables: string[];
  forbidden?: { name: string; position: number };
}

/**
 * Finds the context paths an expression reads from the root and the outside
 * variables it uses. Paths inside predicates, lambdas and after the first
 * step of a path are relative to something else, so only a path's leading
 * run of plain names (or `$`/`$$` followed by names) counts.
 */
function analyse(ast: AstNode): Analysis {
  const paths = new Set<string>();
  const variables = new Set<string>();
  let forbidden: Analysis['forbidden'];

  const visit = (node: AstNode | undefined, root: boolean, locals: ReadonlySet<string>): void => {
    if (!node || typeof node !== 'object') return;
    switch (node.type) {
      case 'path': {
        const steps = node.steps ?? [];
        const first = steps[0];
        let names: string[] = [];
        let start = 0;
        if (first && first.type === 'name' && root) {
          start = 0;
        } else if (first && first.type === 'variable' && (first.value === '' || first.value === '$')) {
          start = 1;
        } else {
          start = -1;
        }
        if (start >= 0) {
          for (let i = start; i < steps.length; i++) {
            const step = steps[i]!;
            if (step.type !== 'name') break;
            names.push(String(step.value));
            if (step.stages?.length || step.predicate?.length || step.group) break;
          }
          if (names.length) paths.add(names.join('.'));
        }
        steps.forEach((step, i) => {
          if (i === 0) visit(step, root, locals);
          else visitChildren(step, false, locals);
        });
        names = [];
        return;
      }
      case 'variable': {
        const name = String(node.value);
        if (name !== '' && name !== '$' && !locals.has(name)) variables.add(name);
        visitChildren(node, false, locals);
        return;
      }
      case 'function':
      case 'partial': {
        const procedure = node.procedure;
        if (procedure?.type === 'variable') {
          const name = String(procedure.value);
          if (FORBIDDEN_FUNCTIONS.has(name) && !locals.has(name)) forbidden ??= { name, position: procedure.position ?? 0 };
          if (!BUILTIN_FUNCTIONS.has(name) && !locals.has(name)) variables.add(name);
        } else {
          visit(procedure, root, locals);
        }
        for (const arg of node.arguments ?? []) visit(arg, root, locals);
        return;
      }
      case 'lambda': {
        const inner = new Set(locals);
        for (const arg of node.arguments ?? []) inner.add(String(arg.value));
        visit(node.body, false, inner);
        return;
      }
      case 'block': {
        // `:=` inside a block binds names for the rest of the block.
        const inner = new Set(locals);
        for (const expression of node.expressions ?? []) {
          if (expression.type === 'bind' && (expression.lhs as AstNode | undefined)?.type === 'variable') {
            visit(expression.rhs, root, inner);
            inner.add(String((expression.lhs as AstNode).value));
          } else {
            visit(expression, root, inner);
          }
        }
        return;
      }
      case 'bind': {
        visit(node.rhs, root, locals);
        return;
      }
      default:
        visitChildren(node, root, locals);
    }
  };

  const visitChildren = (node: AstNode, root: boolean, locals: ReadonlySet<string>): void => {
    for (const stage of node.stages ?? []) visitFilter(stage, locals);
    for (const predicate of node.predicate ?? []) visitFilter(predicate, locals);
    if (node.group) for (const [k, v] of node.group.lhs) (visit(k, false, locals), visit(v, false, locals));
    if (Array.isArray(node.lhs)) {
      for (const [k, v] of node.lhs) (visit(k, root, locals), visit(v, root, locals));
    } else visit(node.lhs, root, locals);
    visit(node.rhs, root, locals);
    visit(node.expression, root, locals);
    for (const expression of node.expressions ?? []) visit(expression, root, locals);
    visit(node.condition, root, locals);
    visit(node.then, root, locals);
    visit(node.else, root, locals);
    visit(node.pattern, root, locals);
    visit(node.update, root, locals);
    visit(node.delete, root, locals);
    for (const term of node.terms ?? []) visit(term.expression, root, locals);
  };

  // Predicates and sort terms are evaluated relative to each item.
  const visitFilter = (node: AstNode, locals: ReadonlySet<string>) => visit(node.expr ?? node, false, locals);

  visit(ast, true, new Set());
  return { paths: [...paths].sort(), variables: [...variables].sort(), ...(forbidden ? { forbidden } : {}) };
}

declare module 'jsonata' {
  // jsonata's own types omit `ast()` on the expression object in some versions.
  interface Expression {
    ast(): unknown;
  }
}

interface AstNode {
  expr?: AstNode;
}
