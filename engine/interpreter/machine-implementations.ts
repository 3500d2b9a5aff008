/**
 * The implementations behind the names in a compiled machine (STYLE §2),
 * bound per call with `machine.provide()`. Guards read the machine's context
 * and the event only — plus the compiled flow's tables — so a transition is a
 * pure function of (snapshot, event); the per-call part is where they report
 * problems (an expression that failed, the keyword that matched).
 */
import { assign } from 'xstate';
import type { FlowMachineContext } from '../flow/build-flow-machine.js';
import type { CompiledAssignments, CompiledFlow, CompiledTransition } from '../flow/compiled-flow.js';
import { isTruthy } from '../flow/expressions.js';
import type { TextMatcher } from '../flow/keyword-matcher.js';
import type { ErrorCode } from '../errors/catalog.js';
import { isPlainObject, pathSegments, setPath, type Vars } from './context-values.js';
import { type GuardParams, MachineAction, type MachineEvent, MachineGuard, type PreviousParams } from './machine-events.js';

/** Where the implementations report to; the interpreter turns reports into effects. */
export interface ImplementationHooks {
  reportError(code: ErrorCode, message: string, pointer?: string): void;
  /** A `keywords` or `pattern` guard matched this text for this transition. */
  recordMatch(transition: string, matched: string): void;
}

type ActionArgs = { context: FlowMachineContext; event: MachineEvent };

export interface MachineImplementations {
  guards: Record<string, (args: ActionArgs, params: GuardParams) => boolean>;
  actions: Record<string, unknown>;
}

/** Variables an expression sees besides the context. */
export type ExpressionScope = { args?: unknown; result?: unknown; error?: unknown };

/**
 * Context writes shared by the interpreter and the machine's actions:
 * sequential (a later expression sees the earlier values), checked against the
 * context schema where it declares the path, never touching `call`.
 */
export interface ContextWriter {
  /** Evaluates `name → expression` pairs each over `vars` (tool arguments); failed ones are left out. */
  evaluateEach(assignments: CompiledAssignments, vars: Vars, scope: ExpressionScope, now: number): Record<string, unknown>;
  /** Evaluates `path → expression` pairs in order over `vars`; returns the values (failed ones left out). */
  evaluateAssignments(assignments: CompiledAssignments, vars: Vars, scope: ExpressionScope, now: number): Array<[string, unknown]>;
  /** Writes values; refused ones are reported and skipped. */
  write(vars: Vars, values: ReadonlyArray<readonly [string, unknown]>, pointer?: string): Record<string, unknown>;
  /** Evaluates a `when` (false when it fails). */
  holds(transition: CompiledTransition, vars: Vars, scope: ExpressionScope, now: number): boolean;
}

export function createContextWriter(compiled: CompiledFlow, hooks: ImplementationHooks): ContextWriter {
  const schema = compiled.flow.context?.schema;

  /** The part of the context schema that describes `path`, if it declares it. */
  const schemaAt = (segments: string[]): object | undefined => {
    let current: unknown = schema;
    for (const segment of segments) {
      const properties = isPlainObject(current) ? current.properties : undefined;
      if (!isPlainObject(properties) || !isPlainObject(properties[segment])) return undefined;
      current = properties[segment];
    }
    return current as object;
  };

  const write: ContextWriter['write'] = (vars, values, pointer) => {
    let next = vars as Record<string, unknown>;
    for (const [path, value] of values) {
      const segments = pathSegments(path);
      if (!segments || segments[0] === 'call') {
        hooks.reportError('CALL_ASSIGN_INVALID', `"${path}" cannot be written (\`call\` is reserved)`, pointer);
        continue;
      }
      const declared = value === undefined ? undefined : schemaAt(segments);
      if (declared) {
        const verdict = compiled.validators.validate(declared, value, `context.${path}`);
        if (!verdict.ok && !verdict.brokenSchema) {
          hooks.reportError('CALL_ASSIGN_INVALID', `not stored: ${verdict.errors.join('; ')}`, pointer);
          continue;
        }
      }
      try {
        next = setPath(next, path, value);
      } catch (error) {
        hooks.reportError('CALL_ASSIGN_INVALID', (error as Error).message, pointer);
      }
    }
    return next;
  };

  const evaluateAssignments: ContextWriter['evaluateAssignments'] = (assignments, vars, scope, now) => {
    const values: Array<[string, unknown]> = [];
    let view = vars as Record<string, unknown>;
    for (const { path, expression, pointer } of assignments) {
      try {
        const value = expression.evaluate(view, { variables: scope, now });
        values.push([path, value]);
        try {
          view = setPath(view, path, value);
        } catch {
          // Reported when the values are written.
        }
      } catch (error) {
        hooks.reportError('CALL_EXPRESSION_FAILED', `${path}: ${(error as Error).message}`, pointer);
      }
    }
    return values;
  };

  const evaluateEach: ContextWriter['evaluateEach'] = (assignments, vars, scope, now) => {
    const values: Record<string, unknown> = {};
    for (const { path, expression, pointer } of assignments) {
      try {
        const value = expression.evaluate(vars, { variables: scope, now });
        if (value !== undefined) values[path] = value;
      } catch (error) {
        hooks.reportError('CALL_EXPRESSION_FAILED', `${path}: ${(error as Error).message}`, pointer);
      }
    }
    return values;
  };

  const holds: ContextWriter['holds'] = (transition, vars, scope, now) => {
    if (!transition.when) return true;
    try {
      return isTruthy(transition.when.expression.evaluate(vars, { variables: scope, now }));
    } catch (error) {
      hooks.reportError('CALL_EXPRESSION_FAILED', `when: ${(error as Error).message}`, transition.when.pointer);
      return false;
    }
  };

  return { evaluateEach, evaluateAssignments, write, holds };
}

/** `$args`, `$result`, `$error` of an event. */
export function eventScope(event: MachineEvent): ExpressionScope {
  return { args: event.args, result: event.result, error: event.error };
}

export function createMachineImplementations(compiled: CompiledFlow, hooks: ImplementationHooks, writer: ContextWriter): MachineImplementations {
  const transitionOf = (id: string) => compiled.transitions.get(id)!;

  /** Somewhere to return to (`$previous`) and `when`: what every guard checks after its trigger. */
  const conditions = ({ context, event }: ActionArgs, params: GuardParams) =>
    (params.returns === undefined || context.previous !== null) &&
    writer.holds(transitionOf(params.t), context.vars, eventScope(event), event.now);

  const matchText = (args: ActionArgs, params: GuardParams, matcher: TextMatcher | undefined) => {
    const matched = matcher?.match(args.event.transcript ?? '');
    if (matched === undefined || !conditions(args, params)) return false;
    hooks.recordMatch(params.t, matched.trim());
    return true;
  };

  const guards: MachineImplementations['guards'] = {
    [MachineGuard.previousIs]: ({ context }, params) => context.previous === (params as unknown as PreviousParams).stage,
    [MachineGuard.when]: conditions,
    [MachineGuard.keywords]: (args, params) => matchText(args, params, transitionOf(params.t).triggers.keywords?.matcher),
    [MachineGuard.pattern]: (args, params) => matchText(args, params, transitionOf(params.t).triggers.pattern),
    [MachineGuard.dtmf]: (args, params) => {
      const digits = transitionOf(params.t).triggers.dtmf;
      return digits !== undefined && (args.event.buffer ?? '').endsWith(digits) && conditions(args, params);
    },
  };

  const noop = () => {};
  const actions: Record<string, unknown> = {
    [MachineAction.fired]: noop,
    [MachineAction.stageEntered]: noop,
    [MachineAction.collect]: assign(({ context, event }: ActionArgs, params: { t: string }) => {
      const transition = transitionOf(params.t);
      const args = event.args ?? {};
      const values = transition.collectKeys.filter((key) => Object.hasOwn(args, key)).map((key) => [key, args[key]] as const);
      return { vars: writer.write(context.vars, values, transition.pointer) };
    }),
    [MachineAction.set]: assign(({ context, event }: ActionArgs, params: { t: string }) => {
      const transition = transitionOf(params.t);
      const values = writer.evaluateAssignments(transition.set, context.vars, eventScope(event), event.now);
      return { vars: writer.write(context.vars, values, `${transition.pointer}/set`) };
    }),
    [MachineAction.rememberPrevious]: assign(({ context, event }: ActionArgs) => ({
      // An interruption of an interruption keeps the stage the first one interrupted.
      previous: event.origin.interrupted && context.previous !== null ? context.previous : event.origin.stage,
    })),
    [MachineAction.forgetPrevious]: assign({ previous: null }),
    [MachineAction.assignValues]: assign(({ context, event }: ActionArgs) => ({ vars: writer.write(context.vars, event.values ?? [], event.pointer) })),
  };

  return { guards, actions };
}
