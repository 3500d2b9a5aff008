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
  /**
   * True when every read of the path handles a missing value itself: passed to
   * a helper or block (`{{default name "there"}}`, `{{#each items}}`), or shown
   * inside `{{#if path}}`. A bare `{{name}}` renders a missing value as empty
   * text, so it is not guarded.
   */
  guarded: boolean;
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

/** What a template reads, found without compiling it. */
export interface CheckedTemplate {
  readonly source: string;
  /** Root context paths the template reads, as in CompiledTemplate. */
  readonly paths: readonly TemplatePath[];
}

/** Options Handlebars compiles flow templates with (`knownHelpersOnly`: an unknown helper is an error). */
const COMPILE_OPTIONS = { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: true, strict: false, preventIndent: true } as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

type HandlebarsInput = Parameters<typeof hb.compile>[0];

// Reading a template (scan or parse) is most of the cost of checking it, and
// the linter and the compiler both need it: what a template reads is kept by
// source (least recently used dropped past the limit), like compiled
// expressions, so validating then compiling a flow reads each template once.
// Entries are frozen and shared with callers (the linter's sites, compiled
// templates): copying `paths` out on every read was a good part of the cost.
const READ_CACHE_LIMIT = 5_000;
const readCache = new Map<string, ReadTemplate | TemplateError>();

/** What reading a template found: its paths, and its syntax tree when the Handlebars parser was needed. */
interface ReadTemplate {
  ast: HbNode | undefined;
  paths: readonly TemplatePath[];
}

const freezePaths = (paths: TemplatePath[]): readonly TemplatePath[] => {
  for (const read of paths) Object.freeze(read);
  return Object.freeze(paths);
};

/** Reads a template (the scan, else the parser) and checks it (syntax, partials, helpers); throws TemplateError with its position. */
function readTemplate(source: string): ReadTemplate {
  let entry = readCache.get(source);
  if (entry !== undefined) {
    readCache.delete(source);
  } else {
    const scanned = scanTemplate(source);
    if (scanned) entry = { ast: undefined, paths: freezePaths(scanned) };
    else {
      try {
        const parsed = parseUncached(source);
        entry = { ast: parsed.ast, paths: freezePaths(parsed.paths) };
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        entry = error;
      }
    }
    if (readCache.size >= READ_CACHE_LIMIT) readCache.delete(readCache.keys().next().value!);
  }
  readCache.set(source, entry);
  if (entry instanceof TemplateError) throw new TemplateError(entry.kind, entry.message, entry.line, entry.column);
  return entry;
}

function parseUncached(source: string): { ast: HbNode; paths: TemplatePath[] } {
  let ast: HbNode;
  try {
    ast = hb.parse(source) as unknown as HbNode;
  } catch (error) {
    const { line, column, message } = describeParseError(error, source);
    throw new TemplateError('syntax', message, line, column);
  }
  return { ast, paths: analyse(ast) };
}

/**
 * Reads a template and checks its helpers from the syntax tree, without
 * compiling it: what the linter needs, at a tenth of the cost of generating
 * code. compileTemplate applies the same checks, so the two always agree.
 * Throws TemplateError with its position.
 */
export function checkTemplate(source: string): CheckedTemplate {
  if (!source.includes('{{')) return { source, paths: [] };
  return { source, paths: readTemplate(source).paths };
}

/**
 * Compiles a template, or throws TemplateError with its position.
 *
 * Everything that can be wrong with a template is found here, from the parsed
 * tree: syntax, partials, unknown helpers (the rule Handlebars applies with
 * `knownHelpersOnly`). Generating the JavaScript is the slow part (about ten
 * times the parse) and is left to the first render, once per compiled template:
 * a 1,000-stage flow then compiles in tens of milliseconds, and a call only pays
 * for the stages it enters. Text without `{{` is returned as is, and text whose
 * placeholders are all of the common shapes (`{{org.name}}`, `{{default name "you"}}`,
 * `{{#if vip}}…{{/if}}`) is read without the Handlebars parser (see `scanTemplate`).
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (!source.includes('{{')) return { source, paths: [], render: () => source };
  const { ast, paths } = readTemplate(source);
  return lazilyRendered(source, paths, ast ? (ast as unknown as HandlebarsInput) : source);
}

/** Compiles a template with the Handlebars parser, whatever it contains (the tests compare it with the scan). */
export function parseTemplate(source: string): CompiledTemplate {
  const parsed = parseUncached(source);
  return lazilyRendered(source, parsed.paths, parsed.ast as unknown as HandlebarsInput);
}

function lazilyRendered(source: string, paths: readonly TemplatePath[], input: HandlebarsInput): CompiledTemplate {
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
/** Blocks the scan reads itself; any other block goes through the parser. */
const SCANNED_BLOCKS = new Set(['if', 'unless', 'each', 'with']);

/** A block the scan is inside of. */
interface ScannedBlock {
  name: string;
  /** Context level outside the block (`each`/`with` bodies are one level deeper). */
  outerLevel: number;
  /** The tested root path, when the block tests one at the root level. */
  tested: string | undefined;
  /** Past its `{{else}}`. */
  inverse: boolean;
}

/**
 * Reads a template made of the common shapes — plain paths (`{{org.name}}`),
 * calls of known helpers with plain arguments (`{{default name "you"}}`) and
 * `if`/`unless`/`each`/`with` blocks on one plain path, with an optional
 * `{{else}}` — and returns the paths it reads: exactly what the parser-based
 * analysis returns for it (tests check both on a corpus and on generated
 * templates). The Handlebars parser (a generated LALR parser that allocates a
 * location object per token) is most of the cost of linting a large flow;
 * most prompt templates need none of what it offers over this scan.
 *
 * Anything else — other blocks, chained `{{else if}}`, block parameters,
 * comments, whitespace control, escapes, hashes, sub-expressions, `this`,
 * `../`, `@data`, unknown helpers, a bare helper name (Handlebars would call
 * it), unbalanced or mismatched blocks, carriage returns — returns undefined,
 * and the template goes through the Handlebars parser, which also reports
 * the errors. Exported for those tests.
 */
export function scanTemplate(source: string): TemplatePath[] | undefined {
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
  // Root paths known to be present where the scan is ({{#if x}} … {{/if}}), as in the parser-based analysis.
  const present: string[] = [];
  const addPath = (path: string, offset: number, asArgument: boolean) => {
    const guarded = asArgument || present.some((guard) => path === guard || path.startsWith(`${guard}.`));
    const existing = found.get(path);
    if (existing) {
      if (!guarded) existing.guarded = false;
      return;
    }
    const at = position(offset);
    found.set(path, { path, line: at.line, column: at.column, guarded });
  };
  const blocks: ScannedBlock[] = [];
  // 0 at the root; paths read inside `each`/`with` are relative to the block's value and not listed.
  let level = 0;
  let mustaches = 0;
  MUSTACHE.lastIndex = 0;
  for (let match = MUSTACHE.exec(source); match !== null; match = MUSTACHE.exec(source)) {
    mustaches += 1;
    const body = match[1]!;
    const bodyStart = match.index + 2;
    const open = body.charCodeAt(0);
    if (open === 0x23 /* # */) {
      // `{{#if path}}`: the helper name right after `#`, then exactly one plain path.
      TOKEN.lastIndex = 1;
      const head = TOKEN.exec(body);
      if (!head || head.index !== 1 || !SCANNED_BLOCKS.has(head[0])) return undefined;
      const value = TOKEN.exec(body);
      if (!value || TOKEN.exec(body) !== null || !isPlainPath(value[0])) return undefined;
      const name = head[0];
      if (level === 0) addPath(value[0], bodyStart + value.index, true);
      const tested = level === 0 ? value[0] : undefined;
      blocks.push({ name, outerLevel: level, tested, inverse: false });
      if (tested !== undefined && (name === 'if' || name === 'with')) present.push(tested);
      if (name === 'each' || name === 'with') level += 1;
      continue;
    }
    if (open === 0x2f /* / */) {
      const block = blocks.pop();
      if (!block || body.slice(1) !== block.name) return undefined;
      if (block.tested !== undefined && (block.inverse ? block.name === 'unless' : block.name === 'if' || block.name === 'with')) present.pop();
      level = block.outerLevel;
      continue;
    }
    if (body === 'else') {
      const block = blocks.at(-1);
      if (!block || block.inverse) return undefined;
      if (block.tested !== undefined && (block.name === 'if' || block.name === 'with')) present.pop();
      block.inverse = true;
      level = block.outerLevel;
      if (block.tested !== undefined && block.name === 'unless') present.push(block.tested);
      continue;
    }
    TOKEN.lastIndex = 0;
    const head = TOKEN.exec(body);
    if (!head || !isPlainPath(head[0])) return undefined;
    let arguments_ = 0;
    for (let arg = TOKEN.exec(body); arg !== null; arg = TOKEN.exec(body), arguments_++) {
      if (arguments_ === 0 && !Object.hasOwn(KNOWN_HELPERS, head[0])) return undefined;
      if (!PLAIN_ARGUMENT.test(arg[0])) return undefined;
      if (/^[A-Za-z_]/.test(arg[0])) {
        if (!isPlainPath(arg[0])) return undefined;
        if (level === 0) addPath(arg[0], bodyStart + arg.index, true);
      }
    }
    if (arguments_ === 0) {
      // `{{count}}` or `{{log}}` alone calls the helper in Handlebars: leave those to the parser's checks.
      if (Object.hasOwn(KNOWN_HELPERS, head[0]) || HANDLEBARS_ONLY_HELPERS.has(head[0])) return undefined;
      if (level === 0) addPath(head[0], bodyStart + head.index, false);
    }
  }
  // Every block closed (else the parser reports the one left open), and every `{{` belongs to a placeholder read above.
  if (blocks.length > 0) return undefined;
  let opens = 0;
  for (let at = source.indexOf('{{'); at !== -1; at = source.indexOf('{{', at + 2)) opens += 1;
  return opens === mustaches ? [...found.values()] : undefined;
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
  const got = /got '([^']+)'/.exec(text)?.[1];
  const lines = source.split('\n');
  if (got === 'EOF') {
    // The text ended inside a block: point at the block that is never closed, not at the end.
    const open = unclosedBlock(source);
    if (open) return { ...open, message: `{{#${open.name}}} is never closed: add {{/${open.name}}} where it should end` };
  }
  const message = !expecting
    ? text.split('\n')[0]!
    : got === 'INVALID'
      ? 'a {{ … }} is not closed properly (a brace is missing)'
      : `template syntax error${got ? `: unexpected ${TOKEN_WORDS[got] ?? got}` : ''} — is a {{#block}} unclosed or a {{ … }} incomplete?`;
  return { line: Math.min(line, lines.length), column, message };
}

/** Handlebars' token names in words. */
const TOKEN_WORDS: Record<string, string> = {
  EOF: 'end of text',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  OPEN: '{{',
  OPEN_BLOCK: '{{#',
  OPEN_ENDBLOCK: '{{/',
  OPEN_INVERSE: '{{^',
  INVERSE: '{{else}}',
  OPEN_SEXPR: '(',
  CLOSE_SEXPR: ')',
  ID: 'a name',
  STRING: 'a quoted text',
  NUMBER: 'a number',
  EQUALS: '=',
};

/** The innermost `{{#name …}}` without its `{{/name}}`, with its 1-based position. */
function unclosedBlock(source: string): { name: string; line: number; column: number } | undefined {
  const stack: Array<{ name: string; offset: number }> = [];
  for (const match of source.matchAll(/\{\{~?\s*([#/])\s*\*?\s*([^\s}~]+)/g)) {
    if (match[1] === '#') stack.push({ name: match[2]!, offset: match.index });
    else if (stack.at(-1)?.name === match[2]) stack.pop();
  }
  const open = stack.at(-1);
  if (!open) return undefined;
  const before = source.slice(0, open.offset).split('\n');
  return { name: open.name, line: before.length, column: before.at(-1)!.length + 1 };
}

/** Handlebars' own helpers that flows may not call (`log` writes to the server console). */
const HANDLEBARS_ONLY_HELPERS = new Set(['log', 'helperMissing', 'blockHelperMissing']);
/** Block helpers that take exactly one value (Handlebars fails at render time otherwise). */
const CONTEXT_HELPERS = new Set(['if', 'unless', 'each', 'with']);

/**
 * The helper rules `knownHelpersOnly` enforces at compile time, checked on the
 * syntax tree: a mustache or block with arguments, and every subexpression,
 * calls a helper, which must be one of TEMPLATE_HELPERS. A bare `{{name}}` is
 * a variable, unless it names one of Handlebars' own helpers.
 */
function checkHelper(node: HbNode, isCall: boolean, blockParams: readonly string[][]): void {
  const path = node.path;
  if (!path) return;
  const simple = path.type === 'PathExpression' && !path.data && (path.depth ?? 0) === 0 && (path.parts?.length ?? 0) === 1 && !(path.original ?? '').startsWith('this');
  const name = simple ? path.parts![0]! : (path.original ?? '');
  // `{{#each items as |item|}}{{item x}}{{/each}}`: a block parameter is a value, never a helper (as in Handlebars).
  if (simple && blockParams.some((scope) => scope.includes(name))) return;
  const known = simple && TEMPLATE_HELPERS.includes(name);
  if ((isCall && !known) || (simple && HANDLEBARS_ONLY_HELPERS.has(name))) {
    throw new TemplateError(
      'unknown-helper',
      `unknown helper "${name}" (allowed: ${TEMPLATE_HELPERS.join(', ')})`,
      node.loc?.start.line ?? 1,
      (node.loc?.start.column ?? 0) + 1,
    );
  }
}

/**
 * Collects root context paths and checks helpers. Block helpers that change
 * the context (`each`, `with`) push a level; `../` climbs back; `@root.` is
 * always the root.
 */
function analyse(ast: HbNode): TemplatePath[] {
  const found = new Map<string, TemplatePath>();
  // Block parameters in scope (`as |item|`), innermost last.
  const blockParams: string[][] = [];
  // Root paths known to be present where the current block renders ({{#if x}} … {{/if}}).
  const present: string[] = [];
  const add = (parts: string[], node: HbNode, asArgument: boolean) => {
    const path = parts.join('.');
    if (!path) return;
    const guarded = asArgument || present.some((guard) => path === guard || path.startsWith(`${guard}.`));
    const existing = found.get(path);
    if (existing) {
      if (!guarded) existing.guarded = false;
      return;
    }
    found.set(path, { path, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1, guarded });
  };

  /** The root path a path expression reads, or undefined when it is relative to an each/with block. */
  const rootPath = (node: HbNode, level: number): string[] | undefined => {
    const parts = node.parts ?? [];
    if (node.data) return parts[0] === 'root' && parts.length > 1 ? parts.slice(1) : undefined;
    if ((node.original ?? '').startsWith('this') && level === 0) return parts.length ? parts : undefined;
    return level - (node.depth ?? 0) === 0 && parts.length ? parts : undefined;
  };

  const visitExpr = (node: HbNode | undefined, level: number, asArgument: boolean) => {
    if (!node) return;
    if (node.type === 'PathExpression') {
      const parts = rootPath(node, level);
      if (parts) add(parts, node, asArgument);
    } else if (node.type === 'SubExpression') {
      checkHelper(node, true, blockParams);
      for (const param of node.params ?? []) visitExpr(param, level, true);
      for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level, true);
    }
  };

  const visitBody = (body: HbNode[] | undefined, level: number) => {
    for (const node of body ?? []) {
      switch (node.type) {
        case 'MustacheStatement': {
          const isHelperCall = (node.params?.length ?? 0) > 0 || (node.hash?.pairs.length ?? 0) > 0;
          checkHelper(node, isHelperCall, blockParams);
          if (!isHelperCall && node.path) visitExpr(node.path, level, false);
          for (const param of node.params ?? []) visitExpr(param, level, true);
          for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level, true);
          break;
        }
        case 'BlockStatement': {
          const helper = node.path?.original;
          checkHelper(node, (node.params?.length ?? 0) > 0 || (node.hash?.pairs.length ?? 0) > 0, blockParams);
          if (helper && CONTEXT_HELPERS.has(helper) && node.params?.length !== 1) {
            throw new TemplateError('syntax', `{{#${helper}}} needs exactly one value, e.g. {{#${helper} patient.children}}`, node.loc?.start.line ?? 1, (node.loc?.start.column ?? 0) + 1);
          }
          for (const param of node.params ?? []) visitExpr(param, level, true);
          for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, level, true);
          const changesContext = helper === 'each' || helper === 'with';
          // The branch that renders only when the tested value is there.
          const tested = node.params?.length === 1 && node.params[0]!.type === 'PathExpression' ? rootPath(node.params[0]!, level)?.join('.') : undefined;
          const guardProgram = tested !== undefined && (helper === 'if' || helper === 'with') ? tested : undefined;
          const guardInverse = tested !== undefined && helper === 'unless' ? tested : undefined;
          if (guardProgram !== undefined) present.push(guardProgram);
          blockParams.push(node.program?.blockParams ?? []);
          visitBody(node.program?.body, changesContext ? level + 1 : level);
          blockParams.pop();
          if (guardProgram !== undefined) present.pop();
          if (guardInverse !== undefined) present.push(guardInverse);
          visitBody(node.inverse?.body, level);
          if (guardInverse !== undefined) present.pop();
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
