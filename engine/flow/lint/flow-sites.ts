/**
 * Every place in a flow that holds an expression, a template or a write to a
 * context variable, with what it belongs to and what it may use — found in one
 * walk and parsed once, so the syntax, type, scope and dataflow checks all see
 * the same list. Where the schema puts Expressions and Templates is mirrored
 * here; test/flow/lint/flow-sites.test.ts fails when the schema gains one this
 * walk does not know.
 */
import type { ExpressionVariable, ParsedExpression } from '../expressions.js';
import { ExpressionSyntaxError, parseExpression } from '../expressions.js';
import type { FlowModel, TransitionNode } from '../flow-model.js';
import { joinPointer } from '../json-pointer.js';
import { checkTemplate, TemplateError, type CheckedTemplate } from '../templates.js';
import type { Flow } from '../../types/flow.generated.js';
import { arrayOf, entriesOf, isObject, isString } from './lint-context.js';

/** What an expression, template or write belongs to. */
export type SiteOwner =
  | { type: 'agent' }
  | { type: 'stage'; stage: string }
  | { type: 'tool'; tool: string }
  | { type: 'action'; list: 'onStart' | 'onEnd' | 'onEnter'; stage?: string; index: number; pointer: string }
  | { type: 'transition'; transition: TransitionNode }
  | { type: 'outcome' };

export type ExpressionRole = 'when' | 'transition-set' | 'with' | 'assign' | 'run-args' | 'action-set' | 'outcome-map';
export type TemplateRole = 'instructions' | 'guidance' | 'say' | 'filler' | 'transfer-to' | 'transfer-caller-id';

export interface ExpressionSite {
  kind: 'expression';
  role: ExpressionRole;
  pointer: string;
  source: string;
  owner: SiteOwner;
  /** The `$` variables that exist where it is evaluated. */
  scope: ReadonlySet<ExpressionVariable>;
  /** Parsed, or the syntax error. */
  parsed: ParsedExpression | ExpressionSyntaxError;
}

export interface TemplateSite {
  kind: 'template';
  role: TemplateRole;
  pointer: string;
  source: string;
  owner: SiteOwner;
  parsed: CheckedTemplate | TemplateError;
}

/** A write to a context variable. */
export interface WriteSite {
  via: 'collect' | 'set' | 'assign';
  /** Dotted variable path, e.g. `booking.id`. */
  path: string;
  /** Pointer of the key that names the variable. */
  pointer: string;
  owner: SiteOwner;
  /** `collect`: the JSON Schema of the value. */
  schema?: unknown;
  /** `set` / `assign`: the expression site computing the value. */
  expression?: ExpressionSite;
  /** `collect`: listed in `optional`. */
  optional?: boolean;
}

/** A `run` action: a tool the engine runs by itself. */
export interface RunSite {
  tool: string;
  pointer: string;
  owner: Extract<SiteOwner, { type: 'action' }>;
  /** Names given in the action's `args`. */
  args: string[];
}

export interface FlowSites {
  expressions: ExpressionSite[];
  templates: TemplateSite[];
  writes: WriteSite[];
  runs: RunSite[];
  /** Actions of a list (`onStart`, `onEnd`, a stage's `onEnter`) in order: their runs and writes. */
  actionsOf(list: 'onStart' | 'onEnd' | 'onEnter', stage?: string): Array<{ owner: Extract<SiteOwner, { type: 'action' }>; run?: RunSite; writes: WriteSite[]; expressions: ExpressionSite[] }>;
}

// Parsing is the expensive part of linting; the editor re-lints on every
// change, so unchanged text is not parsed twice. Bounded so a long-running
// server does not grow without limit.
// (Expressions are cached by expressions.ts itself, shared with the compiler.)
const CACHE_LIMIT = 20_000;
const templateCache = new Map<string, CheckedTemplate | TemplateError>();

function cached<T>(cache: Map<string, T>, source: string, parse: () => T): T {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const value = parse();
  cache.set(source, value);
  return value;
}

/** Parses an expression (cached by expressions.ts), returning the syntax error instead of throwing it. */
export function parseExpressionCached(source: string): ParsedExpression | ExpressionSyntaxError {
  try {
    return parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
}

/** Checks a template (cached here by source), returning the error instead of throwing it. */
export function checkTemplateCached(source: string): CheckedTemplate | TemplateError {
  return cached(templateCache, source, () => {
    try {
      return checkTemplate(source);
    } catch (error) {
      if (error instanceof TemplateError) return error;
      throw error;
    }
  });
}

const NO_VARIABLES: ReadonlySet<ExpressionVariable> = new Set();

/** The `$` variables a transition's `when` and `set` may use, from its triggers. */
function transitionScope(transition: TransitionNode['transition']): ReadonlySet<ExpressionVariable> {
  const scope = new Set<ExpressionVariable>();
  if (isString(transition.intent)) scope.add('args');
  if (isString(transition.on)) {
    if (transition.on.endsWith('.done')) (scope.add('result'), scope.add('args'));
    if (transition.on.endsWith('.error')) (scope.add('error'), scope.add('args'));
  }
  return scope;
}

export function collectFlowSites(flow: Flow, model: FlowModel): FlowSites {
  const expressions: ExpressionSite[] = [];
  const templates: TemplateSite[] = [];
  const writes: WriteSite[] = [];
  const runs: RunSite[] = [];
  // onEnter lists by stage name, apart from onStart/onEnd: asked for often, so no key is built per question.
  const onEnterLists = new Map<string, ReturnType<FlowSites['actionsOf']>>();
  const flowLists = new Map<string, ReturnType<FlowSites['actionsOf']>>();

  const expression = (role: ExpressionRole, pointer: string, source: unknown, owner: SiteOwner, scope: ReadonlySet<ExpressionVariable>): ExpressionSite | undefined => {
    if (!isString(source) || source === '') return undefined;
    const site: ExpressionSite = { kind: 'expression', role, pointer, source, owner, scope, parsed: parseExpressionCached(source) };
    expressions.push(site);
    return site;
  };
  const template = (role: TemplateRole, pointer: string, source: unknown, owner: SiteOwner) => {
    if (!isString(source)) return;
    templates.push({ kind: 'template', role, pointer, source, owner, parsed: checkTemplateCached(source) });
  };
  /** `set` / `assign` mappings: each key is a variable written from an expression. */
  const assignments = (via: 'set' | 'assign', role: ExpressionRole, base: string, map: unknown, owner: SiteOwner, scope: ReadonlySet<ExpressionVariable>): WriteSite[] => {
    const written: WriteSite[] = [];
    for (const [path, source] of entriesOf(map)) {
      const pointer = joinPointer(base, path);
      const site = expression(role, pointer, source, owner, scope);
      const write: WriteSite = { via, path, pointer, owner, ...(site ? { expression: site } : {}) };
      writes.push(write);
      written.push(write);
    }
    return written;
  };

  const actions = (list: 'onStart' | 'onEnd' | 'onEnter', base: string, value: unknown, stage?: string) => {
    const entries: ReturnType<FlowSites['actionsOf']> = [];
    arrayOf(value).forEach((action, index) => {
      const pointer = `${base}/${index}`;
      const owner: Extract<SiteOwner, { type: 'action' }> = { type: 'action', list, index, pointer, ...(stage !== undefined ? { stage } : {}) };
      const entry: ReturnType<FlowSites['actionsOf']>[number] = { owner, writes: [], expressions: [] };
      if (isObject(action)) {
        if (isString(action.run)) {
          const args = entriesOf(action.args);
          const run: RunSite = { tool: action.run, pointer: `${pointer}/run`, owner, args: args.map(([name]) => name) };
          runs.push(run);
          entry.run = run;
          for (const [name, source] of args) {
            const site = expression('run-args', joinPointer(pointer, 'args', name), source, owner, NO_VARIABLES);
            if (site) entry.expressions.push(site);
          }
        }
        if (action.set !== undefined) {
          entry.writes = assignments('set', 'action-set', `${pointer}/set`, action.set, owner, NO_VARIABLES);
          entry.expressions.push(...entry.writes.flatMap((write) => (write.expression ? [write.expression] : [])));
        }
      }
      entries.push(entry);
    });
    if (stage === undefined) flowLists.set(list, entries);
    else onEnterLists.set(stage, entries);
  };

  template('instructions', '/agent/instructions', isObject(flow.agent) ? flow.agent.instructions : undefined, { type: 'agent' });

  for (const [name, binding] of entriesOf(flow.tools)) {
    if (!isObject(binding)) continue;
    const base = joinPointer('/tools', name);
    const owner: SiteOwner = { type: 'tool', tool: name };
    for (const [argument, source] of entriesOf(binding.with)) expression('with', joinPointer(base, 'with', argument), source, owner, new Set(['args']));
    assignments('assign', 'assign', `${base}/assign`, binding.assign, owner, new Set(['result', 'args']));
    template('filler', `${base}/filler`, binding.filler, owner);
  }

  actions('onStart', '/onStart', flow.onStart);
  actions('onEnd', '/onEnd', flow.onEnd);

  for (const node of model.stages.values()) {
    const owner: SiteOwner = { type: 'stage', stage: node.name };
    const stage = node.stage as unknown as Record<string, unknown>;
    template('guidance', `${node.pointer}/guidance`, stage.guidance, owner);
    template('say', `${node.pointer}/say`, stage.say, owner);
    if (isObject(stage.transfer)) {
      template('transfer-to', `${node.pointer}/transfer/to`, stage.transfer.to, owner);
      template('transfer-caller-id', `${node.pointer}/transfer/callerId`, stage.transfer.callerId, owner);
    }
    actions('onEnter', `${node.pointer}/onEnter`, stage.onEnter, node.name);
  }

  for (const transitionNode of model.transitions) {
    const transition = transitionNode.transition;
    const owner: SiteOwner = { type: 'transition', transition: transitionNode };
    const scope = transitionScope(transition);
    expression('when', `${transitionNode.pointer}/when`, transition.when, owner, scope);
    assignments('set', 'transition-set', `${transitionNode.pointer}/set`, transition.set, owner, scope);
    const optional = new Set(arrayOf(transition.optional).filter(isString));
    for (const [path, schema] of entriesOf(transition.collect)) {
      writes.push({ via: 'collect', path, pointer: joinPointer(transitionNode.pointer, 'collect', path), owner, schema, optional: optional.has(path) });
    }
  }

  if (isObject(flow.outcome)) {
    for (const [field, source] of entriesOf(flow.outcome.map)) expression('outcome-map', joinPointer('/outcome/map', field), source, { type: 'outcome' }, NO_VARIABLES);
  }

  return {
    expressions,
    templates,
    writes,
    runs,
    actionsOf: (list, stage) => (stage === undefined ? flowLists.get(list) : list === 'onEnter' ? onEnterLists.get(stage) : undefined) ?? [],
  };
}
