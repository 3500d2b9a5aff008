/**
 * Compiles the flow's embedded sources — expressions, templates, patterns,
 * durations — once each, remembering where each came from. Problems are
 * collected (not thrown) so one compile reports all of them; identical sources
 * share one compiled object (compiled expressions and templates are stateless
 * between evaluations, so sharing is safe and saves the parse).
 */
import type { ErrorCode } from '../errors/catalog.js';
import type { Duration } from '../types/flow.generated.js';
import type { CompiledAssignments, PlacedExpression, PlacedTemplate } from './compiled-flow.js';
import { compileExpression, type CompiledExpression, ExpressionSyntaxError } from './expressions.js';
import { durationMs, pointerSegment } from './flow-model.js';
import { compileTemplate, type CompiledTemplate, TemplateError } from './templates.js';

/** One thing wrong with the flow, found while compiling. */
export interface CompileProblem {
  code: ErrorCode;
  pointer: string;
  message: string;
}

export interface SourceCompiler {
  readonly problems: CompileProblem[];
  problem(code: ErrorCode, pointer: string, message: string): void;
  expression(source: unknown, pointer: string): PlacedExpression | undefined;
  template(source: unknown, pointer: string): PlacedTemplate | undefined;
  /** `path → expression` maps (`set`, `assign`, `with`, …) at `pointer`. */
  assignments(map: Record<string, unknown> | undefined, pointer: string): CompiledAssignments;
  /** A `pattern` trigger: case-insensitive regular expression. */
  pattern(source: unknown, pointer: string): RegExp | undefined;
  duration(value: Duration | undefined, pointer: string): number | undefined;
}

// Stands in for an expression that failed to compile (the problem is reported); a real compiled `false`.
const NEVER_TRUE: CompiledExpression = compileExpression('false');
const EMPTY_TEMPLATE: CompiledTemplate = { source: '', paths: [], render: () => '' };

export function createSourceCompiler(): SourceCompiler {
  const problems: CompileProblem[] = [];
  const expressions = new Map<string, CompiledExpression>();
  const templates = new Map<string, CompiledTemplate>();
  const problem = (code: ErrorCode, pointer: string, message: string) => {
    problems.push({ code, pointer, message });
  };

  const expression = (source: unknown, pointer: string): PlacedExpression | undefined => {
    if (typeof source !== 'string' || source.trim() === '') {
      problem('COMPILE_EXPRESSION', pointer, 'an expression must be a non-empty string');
      return undefined;
    }
    let compiled = expressions.get(source);
    if (!compiled) {
      try {
        compiled = compileExpression(source);
      } catch (error) {
        const detail = error instanceof ExpressionSyntaxError ? `${error.message} (at character ${error.offset + 1})` : String(error);
        problem('COMPILE_EXPRESSION', pointer, `invalid expression "${source}": ${detail}`);
        // Keep compiling the rest; the flow is rejected at the end anyway.
        compiled = NEVER_TRUE;
      }
      expressions.set(source, compiled);
    }
    return { expression: compiled, pointer };
  };

  const template = (source: unknown, pointer: string): PlacedTemplate | undefined => {
    if (source === undefined) return undefined;
    if (typeof source !== 'string') {
      problem('COMPILE_TEMPLATE', pointer, 'a template must be a string');
      return undefined;
    }
    let compiled = templates.get(source);
    if (!compiled) {
      try {
        compiled = compileTemplate(source);
      } catch (error) {
        const detail = error instanceof TemplateError ? `${error.message} (line ${error.line}, column ${error.column})` : String(error);
        problem('COMPILE_TEMPLATE', pointer, detail);
        compiled = EMPTY_TEMPLATE;
      }
      templates.set(source, compiled);
    }
    return { template: compiled, pointer };
  };

  return {
    problems,
    problem,
    expression,
    template,
    assignments(map, pointer) {
      if (!map || typeof map !== 'object') return [];
      const list: Array<{ path: string } & PlacedExpression> = [];
      for (const [path, source] of Object.entries(map)) {
        const placed = expression(source, `${pointer}/${pointerSegment(path)}`);
        if (placed) list.push({ path, expression: placed.expression, pointer: placed.pointer });
      }
      return list;
    },
    pattern(source, pointer) {
      if (typeof source !== 'string' || source === '') {
        problem('COMPILE_PATTERN', pointer, 'a pattern must be a non-empty string');
        return undefined;
      }
      try {
        return new RegExp(source, 'iu');
      } catch (unicodeError) {
        // Patterns written for the classic (non-unicode) syntax, e.g. `\-`, are accepted as such.
        try {
          return new RegExp(source, 'i');
        } catch {
          problem('COMPILE_PATTERN', pointer, `invalid regular expression /${source}/: ${(unicodeError as Error).message}`);
          return undefined;
        }
      }
    },
    duration(value, pointer) {
      if (value === undefined) return undefined;
      const ms = durationMs(value);
      if (!Number.isFinite(ms) || ms < 0) {
        problem('COMPILE_DURATION', pointer, `invalid duration ${JSON.stringify(value)}: write milliseconds or "500ms", "30s", "2m"`);
        return undefined;
      }
      return ms;
    },
  };
}
