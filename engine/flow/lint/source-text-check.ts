/**
 * The text inside a flow: every expression parses as JSONata and uses only
 * the `$` variables that exist where it is evaluated; every template parses as
 * Handlebars and calls only Parley's helpers. Positions point into the file,
 * at the offending character of the string.
 */
import { EXPRESSION_VARIABLES, isBuiltinFunction, type ExpressionVariable } from '../expressions.js';
import { TEMPLATE_HELPERS } from '../templates.js';
import { describePointer } from './describe-pointer.js';
import { didYouMean } from './did-you-mean.js';
import type { ExpressionRole, ExpressionSite } from './flow-sites.js';
import type { LintContext } from './lint-context.js';

/** Where each `$` variable exists, for hints. */
const SCOPE_WORDS: Record<ExpressionVariable, string> = {
  result: "`$result` (a tool's result) exists in the tool's `assign` and in `when`/`set` of an `on: <tool>.done` transition",
  args: "`$args` (arguments) exists in a tool's `with` and `assign` and in `when`/`set` of a transition with an `intent` or `on:`",
  error: "`$error` (a tool's failure) exists in `when`/`set` of an `on: <tool>.error` transition",
};

const ROLE_WORDS: Record<ExpressionRole, string> = {
  when: 'this `when`',
  'transition-set': "this transition's `set`",
  with: 'a `with` argument',
  assign: 'an `assign`',
  'run-args': "a `run` action's `args`",
  'action-set': 'a `set` action',
  'outcome-map': 'the outcome `map`',
};

/** JavaScript habits that are not JSONata, for the hint of a syntax error. */
function javascriptHint(source: string): string | undefined {
  if (/==/.test(source)) return 'JSONata compares with a single `=` (and `!=`), not `==` or `===`.';
  if (/&&|\|\|/.test(source)) return 'JSONata uses `and` / `or`, not `&&` / `||`.';
  if (/(^|[^!=<>])!(?!=)/.test(source)) return 'JSONata negates with `$not(…)`, not `!`.';
  return undefined;
}

/** Ends a message with one full stop, whatever punctuation the parser's text ended with. */
const period = (text: string) => (/[.?!]$/.test(text) ? text : `${text}.`);

export function checkSourceText(context: LintContext): void {
  const { sites, report, positions } = context;
  for (const site of sites.expressions) {
    const parsed = site.parsed;
    if ('jsonataCode' in parsed) {
      report('FLOW_INVALID_EXPRESSION', site.pointer, period(`The expression in ${describePointer(site.pointer)} is not valid: ${parsed.message}`), {
        hint: javascriptHint(site.source) ?? 'Expressions are JSONata, e.g. `$count(patient.children) > 1 and status = "new"`.',
        position: positions?.positionInString(site.pointer, parsed.start),
      });
      continue;
    }
    checkVariables(context, site);
  }
  for (const site of sites.templates) {
    const parsed = site.parsed;
    if (!('kind' in parsed)) continue;
    const position = positions?.positionInStringAt(site.pointer, parsed.line, parsed.column);
    if (parsed.kind === 'unknown-helper') {
      const name = /unknown helper "([^"]+)"/.exec(parsed.message)?.[1] ?? '';
      report('FLOW_UNKNOWN_HELPER', site.pointer, `The template in ${describePointer(site.pointer)} calls \`${name}\`, which is not a template helper.`, {
        hint: `${didYouMean(name, TEMPLATE_HELPERS) ?? ''} Helpers: ${TEMPLATE_HELPERS.join(', ')}. (A space inside {{ }} makes a helper call: a variable is written {{patient.name}}.)`.trim(),
        position,
      });
    } else {
      report('FLOW_INVALID_TEMPLATE', site.pointer, period(`The template in ${describePointer(site.pointer)} is not valid: ${parsed.message}`), {
        hint: parsed.kind === 'forbidden' ? 'Write the text out; templates cannot include partials.' : 'Close every {{#if}}/{{#each}}/{{#with}} with its {{/…}}, and write every placeholder as {{name}}.',
        position,
      });
    }
  }
}

/** `$result`, `$args`, `$error` only where they exist; no other outside variables. */
function checkVariables(context: LintContext, site: ExpressionSite): void {
  if ('jsonataCode' in site.parsed) return;
  for (const name of site.parsed.variables) {
    const match = new RegExp(`\\$${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).exec(site.source);
    const position = context.positions?.positionInString(site.pointer, match ? match.index : 0);
    if ((EXPRESSION_VARIABLES as readonly string[]).includes(name)) {
      const variable = name as ExpressionVariable;
      if (site.scope.has(variable)) continue;
      context.report('FLOW_EXPRESSION_VARIABLE', site.pointer, `\`$${name}\` does not exist in ${ROLE_WORDS[site.role]} (${describePointer(site.pointer)}), so it is always empty.`, {
        hint: `${SCOPE_WORDS[variable]}.`,
        position,
      });
      continue;
    }
    const candidates = [...EXPRESSION_VARIABLES, ...['count', 'exists', 'string', 'number', 'sum', 'now', 'not', 'contains', 'lowercase', 'uppercase', 'join', 'length', 'substring', 'round', 'boolean', 'keys', 'lookup']];
    const isCall = new RegExp(`\\$${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\(`).test(site.source);
    context.report(
      'FLOW_EXPRESSION_VARIABLE',
      site.pointer,
      isCall
        ? `\`$${name}()\` is not a JSONata function (${describePointer(site.pointer)}).`
        : `\`$${name}\` is not a variable here (${describePointer(site.pointer)}): expressions read the context by name, without \`$\`.`,
      {
        hint:
          didYouMean(name, candidates.filter((candidate) => (isCall ? isBuiltinFunction(candidate) : true)))?.replace(/`(\w+)`/g, '`$$$1`') ??
          (isCall ? 'See the JSONata function library (docs.jsonata.org); `$eval` is not allowed.' : `Write \`${name}\` to read the context variable.`),
        position,
      },
    );
  }
}
