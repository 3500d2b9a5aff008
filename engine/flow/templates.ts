/**
 * Prompt text in flows is Handlebars over the call context. This module is the
 * only place Parley compiles or renders templates.
 *
 * The sandbox: an isolated Handlebars environment with a fixed helper set
 * (`knownHelpersOnly`: an unknown helper is a compile error, not a runtime
 * surprise), no partials or decorators, no HTML escaping (prompts are not
 * HTML), and Handlebars' own prototype-access protection left on. Templates are
 * compiled once per flow version and rendered per stage entry.
 */
import Handlebars from 'handlebars';

const hb = Handlebars.create();

/** Block helpers built into Handlebars that flows may use. */
const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;

const isPlainArray = (value: unknown): value is unknown[] => Array.isArray(value);

/** Parley's helpers. Keep the list in step with the `Template` description in schemas/flow.schema.json. */
const PARLEY_HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  /** `{{join patient.children "name" ", "}}` or `{{join tags}}`: items (or a field of each) joined. */
  join(list: unknown, ...rest: unknown[]) {
    const args = rest.slice(0, -1);
    if (!isPlainArray(list)) return '';
    const [fieldOrSeparator, maybeSeparator] = args;
    const field = args.length >= 2 ? fieldOrSeparator : undefined;
    const separator = String((args.length >= 2 ? maybeSeparator : fieldOrSeparator) ?? ', ');
    const items = list.map((item) =>
      typeof field === 'string' && item !== null && typeof item === 'object' && Object.hasOwn(item, field)
        ? (item as Record<string, unknown>)[field]
        : item,
    );
    return items.filter((item) => item !== undefined && item !== null && item !== '').map(String).join(separator);
  },
  /** `{{count patient.children}}`: length of a list, 0 when missing. */
  count(list: unknown) {
    return isPlainArray(list) ? list.length : 0;
  },
  /** `{{default patient.parentName "there"}}`: the value, or the fallback when it is empty. */
  default(value: unknown, fallback: unknown) {
    return value === undefined || value === null || value === '' ? fallback : value;
  },
  /** `{{#if (eq call.direction "outbound")}}`. */
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  lt: (a: unknown, b: unknown) => Number(a) < Number(b),
  /** `{{#if (and a b)}}` — all truthy. */
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  /** `{{#if (or a b)}}` — any truthy. */
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  not: (value: unknown) => !value,
  /** `{{json slots}}`: a value as compact JSON, for lists and objects. */
  json: (value: unknown) => (value === undefined ? '' : JSON.stringify(value)),
  /**
   * `{{date booking.start timeZone="America/Chicago"}}`: an ISO date-time spoken
   * as "Tuesday, January 6 at 3:00 PM". `style="date"` or `style="time"` for one half.
   */
  date(value: unknown, options: unknown) {
    const hash = ((options as { hash?: Record<string, unknown> })?.hash ?? {}) as Record<string, unknown>;
    if (typeof value !== 'string' && typeof value !== 'number') return '';
    const when = new Date(value);
    if (Number.isNaN(when.getTime())) return '';
    const timeZone = typeof hash.timeZone === 'string' ? hash.timeZone : 'UTC';
    try {
      const date = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(when);
      const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(when);
      if (hash.style === 'date') return date;
      if (hash.style === 'time') return time;
      return `${date} at ${time}`;
    } catch {
      return '';
    }
  },
};

for (const [name, helper] of Object.entries(PARLEY_HELPERS)) hb.registerHelper(name, helper as Handlebars.HelperDelegate);

/** Every helper a template may call. */
export const TEMPLATE_HELPERS: readonly string[] = [...BUILTIN_HELPERS, ...Object.keys(PARLEY_HELPERS)];
const KNOWN_HELPERS = Object.fromEntries(TEMPLATE_HELPERS.map((name) => [name, true]));

/** A template problem with its 1-based line and column inside the template text. */
export class TemplateError extends Error {
  readonly line: number;
  readonly column: number;
  readonly kind: 'syntax' | 'unknown-helper' | 'forbidden';
  constructor(kind: TemplateError['kind'], message: string, line: number, column: number) {
    super(message);
    this.name = 'TemplateError';
    this.kind = kind;
    this.line = line;
    this.column = column;
  }
}

/** A context path a template reads, with where it appears (1-based, inside the template). */
export interface TemplatePath {
  path: string;
  line: number;
  column: number;
}

export interface CompiledTemplate {
  readonly source: string;
  /** Root context paths the template reads (`org.name`, `patient.children`); paths inside `each`/`with` blocks are relative and not listed. */
  readonly paths: readonly TemplatePath[];
  /** Renders over the context; missing values render as empty text. */
  render(context: unknown): string;
}

type HbNode = {
  type: string;
  loc?: { start: { line: number; column: number } };
  path?: HbNode & { parts?: string[]; depth?: number; data?: boolean; original?: string };
  params?: HbNode[];
  hash?: { pairs: Array<{ value: HbNode }> };
  program?: { body: HbNode[]; blockParams?: string[] } | null;
  inverse?: { body: HbNode[]; blockParams?: string[] } | null;
  body?: HbNode[];
  parts?: string[];
  depth?: number;
  data?: boolean;
  original?: string;
};

/** Options Handlebars compiles flow templates with (`knownHelpersOnly`: an unknown helper is an error). */
const COMPILE_OPTIONS = { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: true, strict: false, preventIndent: true } as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

/**
 * Compiles a template, or throws TemplateError with its position.
 *
 * Everything that can be wrong with a template is found here, from the parsed
 * tree: syntax, partials, unknown helpers (the same rule Handlebars applies with
 * `knownHelpersOnly`). Generating the JavaScript is the slow part (about ten
 * times the parse) and is left to the first render, once per compiled template:
 * a 1,000-stage flow then compiles in a few tens of milliseconds, and a call
 * only pays for the stages it enters. Text without `{{` is returned as is, and
 * text whose placeholders are all plain (`{{org.name}}`, `{{default name "you"}}`)
 * is read without the Handlebars parser (see `scanPlainTemplate`).
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (!source.includes('{{')) return { source, paths: [], render: () => source };
  const plain = scanPlainTemplate(source);
  if (plain) return lazilyRendered(source, plain, source);
  return parseTemplate(source);
}

/** Compiles a template with the Handlebars parser, whatever it contains (`compileTemplate` uses it when the scan cannot decide). */
export function parseTemplate(source: string): CompiledTemplate {
  let ast: HbNode;
  try {
    ast = hb.parse(source) as unknown as HbNode;
  } catch (error) {
    const { line, column, message } = describeParseError(error, source);
    throw new TemplateError('syntax', message, line, column);
  }
  const paths = analyse(ast);
  checkHelpers(ast);
  return lazilyRendered(source, paths, ast as unknown as Parameters<typeof hb.compile>[0]);
}

function lazilyRendered(source: string, paths: TemplatePath[], input: Parameters<typeof hb.compile>[0]): CompiledTemplate {
  let compiled: Handlebars.TemplateDelegate | undefined;
  return {
    source,
    paths,
    render: (context) => {
      compiled ??= hb.compile(input, COMPILE_OPTIONS);
      return compiled(context ?? {}, RUNTIME_OPTIONS);
    },
  };
}

/** A plain path: names joined by dots, none of them a Handlebars keyword or literal. */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const RESERVED = new Set(['this', 'else', 'true', 'false', 'null', 'undefined']);
const PLAIN_ARGUMENT = /^(?:"[^"\\{}]*"|'[^'\\{}]*'|-?[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_.-]*)$/;
const MUSTACHE = /\{\{([^{}]*)\}\}/g;
const TOKEN = /"[^"]*"|'[^']*'|[^\s]+/g;

/**
 * Reads a template whose every placeholder is a plain path (`{{org.name}}`) or a
 * call of a known helper with plain arguments (`{{default name "you"}}`), and
 * returns the paths it reads — exactly what the parser-based analysis returns
 * for it (a test checks both on a corpus). Anything else — blocks, comments,
 * whitespace control, escapes, hashes, sub-expressions, `this`, unknown
 * helpers, carriage returns — returns undefined, and the template goes
 * through the Handlebars parser. Exported for that test.
 */
export function scanPlainTemplate(source: string): TemplatePath[] | undefined {
  if (source.includes('\\{{') || source.includes('{{{') || source.includes('\r')) return undefined;
  const found = new Map<string, TemplatePath>();
  // Line and column of an offset, counted forward from the last one asked (offsets only grow).
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  const position = (offset: number) => {
    for (let at = source.indexOf('\n', scanned); at !== -1 && at < offset; at = source.indexOf('\n', at + 1)) {
      line += 1;
      lineStart = at + 1;
    }
    scanned = offset;
    return { line, column: offset - lineStart + 1 };
  };
  const isPlainPath = (text: string) => {
    const dot = text.indexOf('.');
    return PLAIN_PATH.test(text) && !RESERVED.has(dot < 0 ? text : text.slice(0, dot));
  };
  const addPath = (path: string, offset: number) => {
    if (!found.has(path)) found.set(path, { path, ...position(offset) });
  };
  let mustaches = 0;
  MUSTACHE.lastIndex = 0;
  for (let match = MUSTACHE.exec(source); match !== null; match = MUSTACHE.exec(source)) {
    mustaches += 1;
    const body = match[1]!;
    const bodyStart = match.index + 2;
    TOKEN.lastIndex = 0;
    const head = TOKEN.exec(body);
    if (!head || !isPlainPath(head[0])) return undefined;
    let arguments_ = 0;
    for (let arg = TOKEN.exec(body); arg !== null; arg = TOKEN.exec(body), arguments_++) {
      if (arguments_ === 0 && !Object.hasOwn(KNOWN_HELPERS, head[0])) return undefined;
      if (!PLAIN_ARGUMENT.test(arg[0])) return undefined;
      if (/^[A-Za-z_]/.test(arg[0])) {
        if (!isPlainPath(arg[0])) return undefined;
        addPath(arg[0], bodyStart + arg.index);
      }
    }
    if (arguments_ === 0) addPath(head[0], bodyStart + head.index);
  }
  // Every `{{` must belong to a placeholder read above.
  let opens = 0;
  for (let at = source.indexOf('{{'); at !== -1; at = source.indexOf('{{', at + 2)) opens += 1;
  return opens === mustaches ? [...found.values()] : undefined;
}

/**
 * Throws for a call of a helper Parley does not have. Mirrors Handlebars'
 * compiler (`classifySexpr` with `knownHelpersOnly`): a mustache or block with
 * parameters or a hash, and every sub-expression, calls the helper named by the
 * first part of its path, unless that name is a block parameter in scope.
 * `{{name}}` alone is a value lookup, never a helper call.
 */
function checkHelpers(ast: HbNode): void {
  const blockParams: string[][] = [];
  const isBlockParam = (path: HbNode) =>
    (path.parts?.length ?? 0) === 1 && !path.depth && !/^\.|this\b/.test(path.original ?? '') && blockParams.some((scope) => scope.includes(path.parts![0]!));
  const visitCall = (node: HbNode) => {
    const path = node.path;
    if (!path) return;
    const isCall = node.type === 'SubExpression' || (node.params?.length ?? 0) > 0 || node.hash !== undefined;
    if (isCall && !(path.parts && isBlockParam(path))) {
      const name = path.parts ? path.parts[0] : String(path.original);
      if (name === undefined || !Object.hasOwn(KNOWN_HELPERS, name)) {
        const loc = node.loc?.start ?? path.loc?.start;
        throw new TemplateError('unknown-helper', `unknown helper "${name ?? ''}" (allowed: ${TEMPLATE_HELPERS.join(', ')})`, loc?.line ?? 1, (loc?.column ?? 0) + 1);
      }
    }
    if (path.type === 'SubExpression') visitCall(path);
    for (const param of node.params ?? []) visitExpression(param);
    for (const pair of node.hash?.pairs ?? []) visitExpression(pair.value);
  };
  const visitExpression = (node: HbNode) => {
    if (node.type === 'SubExpression') visitCall(node);
  };
  const visitProgram = (program: { body: HbNode[]; blockParams?: string[] } | null | undefined) => {
    if (!program) return;
    blockParams.push(program.blockParams ?? []);
    for (const node of program.body) {
      if (node.type === 'MustacheStatement') visitCall(node);
      else if (node.type === 'BlockStatement') {
        visitCall(node);
        visitProgram(node.program);
        visitProgram(node.inverse);
      }
    }
    blockParams.pop();
  };
  visitProgram(ast as unknown as { body: HbNode[] });
}

function describeParseError(error: unknown, source: string): { line: number; column: number; message: string } {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const text = e.message ?? String(error);
  if (typeof e.lineNumber === 'number') {
    return { line: e.lineNumber, column: (e.column ?? 0) + 1, message: text.replace(/ - \d+:\d+$/, '') };
  }
  // Jison parse errors: "Parse error on line N:\n<source line>\n----^\nExpecting …"
  const lineMatch = /line (\d+)/.exec(text);
  const caret = /\n(-*)\^/.exec(text);
  const line = lineMatch ? Number(lineMatch[1]) : 1;
  const column = caret ? caret[1]!.length + 1 : 1;
  const expecting = /Expecting (.*)$/m.exec(text);
  const got = /got '([^']+)'/.exec(text);
  const lines = source.split('\n');
  const message = expecting
    ? `template syntax error${got ? `: unexpected ${got[1] === 'EOF' ? 'end of text' : got[1]}` : ''} — is a {{#block}} unclosed or a {{ … }} incomplete?`
    : text.split('\n')[0]!;
  return { line: Math.min(line, lines.length), column, message };
}

/**
 * Collects root context paths. Block helpers that change the context (`each`,
 * `with`) push a level; `../` climbs back; `@root.` is always the root.
 */
function analyse(ast: HbNode): TemplatePath[] {
  const found = new Map<string, TemplatePath>();
  const add = (parts: string[], node: HbNode) => {
    const path = parts.join('.');
    if (!path || found.has(path)) return;
    found.set(path, { path, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 });
  };

  const visitPath = (node: HbNode, level: number) => {
    const parts = node.parts ?? [];
    if (node.data) {
      if (parts[0] === 'root' && parts.length > 1) add(parts.slice(1), node);
      return;
    }
    if ((node.original ?? '').startsWith('this') && level === 0) {
      if (parts.length) add(parts, node);
      return;
    }
    if (level - (node.depth ?? 0) === 0 && parts.length) add(parts, node);
  };

  const visitExpr = (node: HbNode | undefined, level: number) => {
    if (!node) return;
    if (node.type === 'PathExpression') visitPath(node, level);
    else if (node.type === 'SubExpression') {
      for (const param of node.params ?? []) visitExpr(param, level);
      for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level);
    }
  };

  const visitBody = (body: HbNode[] | undefined, level: number) => {
    for (const node of body ?? []) {
      switch (node.type) {
        case 'MustacheStatement': {
          const isHelperCall = (node.params?.length ?? 0) > 0 || (node.hash?.pairs.length ?? 0) > 0;
          if (!isHelperCall && node.path) visitExpr(node.path, level);
          for (const param of node.params ?? []) visitExpr(param, level);
          for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level);
          break;
        }
        case 'BlockStatement': {
          const helper = node.path?.original;
          for (const param of node.params ?? []) visitExpr(param, level);
          for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level);
          const changesContext = helper === 'each' || helper === 'with';
          visitBody(node.program?.body, changesContext ? level + 1 : level);
          visitBody(node.inverse?.body, level);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
        case 'DecoratorBlock':
        case 'Decorator':
          throw new TemplateError('forbidden', 'partials and decorators are not allowed in flow templates', node.loc?.start.line ?? 1, (node.loc?.start.column ?? 0) + 1);
        default:
          break;
      }
    }
  };

  visitBody(ast.body, 0);
  return [...found.values()];
}
