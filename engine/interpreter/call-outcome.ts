/**
 * The call's outcome, computed once `onEnd` has run: each `outcome.map`
 * expression over the final context, and every other field of
 * `outcome.schema` copied from the context variable of the same name. It is
 * checked against the schema; mismatches are reported next to it, never
 * instead of it (the data is still worth keeping).
 */
import type { CompiledFlow } from '../flow/compiled-flow.js';
import type { Vars } from './context-values.js';

export interface CallOutcome {
  outcome?: Record<string, unknown>;
  outcomeErrors?: string[];
}

export function computeOutcome(compiled: CompiledFlow, vars: Vars, now: number): CallOutcome {
  const declaration = compiled.outcome;
  if (!declaration) return {};
  const outcome: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const key of declaration.copied) {
    if (vars[key] !== undefined) outcome[key] = vars[key];
  }
  for (const { path, expression } of declaration.fields) {
    try {
      const value = expression.evaluate(vars, { now });
      if (value !== undefined) outcome[path] = value;
    } catch (error) {
      errors.push(`${path}: ${(error as Error).message}`);
    }
  }
  const verdict = compiled.validators.validate(declaration.schema, outcome, 'outcome');
  if (!verdict.ok) errors.push(...verdict.errors);
  return { outcome, ...(errors.length > 0 ? { outcomeErrors: errors } : {}) };
}
