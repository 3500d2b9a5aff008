import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionEvaluationError, ExpressionSyntaxError, isTruthy, parseExpression } from '../../engine/flow/expressions.js';

describe('compileExpression', () => {
  it('evaluates over the context', () => {
    const expr = compileExpression('$count(patient.children) > 1');
    expect(expr.evaluate({ patient: { children: [{}, {}] } })).toBe(true);
    expect(expr.evaluate({ patient: { children: [{}] } })).toBe(false);
  });

  it('binds $result, $args and $error, and nothing else leaks in', () => {
    const expr = compileExpression('$result.slots[0].start & "/" & $args.day & "/" & $error.code');
    expect(expr.evaluate({}, { variables: { result: { slots: [{ start: '9:00' }] }, args: { day: 'mon' }, error: { code: 'X' } } })).toBe('9:00/mon/X');
    expect(compileExpression('$process').evaluate({})).toBeUndefined();
  });

  it('takes $now() and $millis() from the call clock', () => {
    const scope = { now: Date.UTC(2026, 0, 5, 15, 0, 0) };
    expect(compileExpression('$now()').evaluate({}, scope)).toBe('2026-01-05T15:00:00.000Z');
    expect(compileExpression('$millis()').evaluate({}, scope)).toBe(scope.now);
  });

  it('returns plain JSON', () => {
    const value = compileExpression('items.name').evaluate({ items: [{ name: 'a' }, { name: 'b' }] });
    expect(value).toEqual(['a', 'b']);
    expect(Object.keys(value as object)).toEqual(['0', '1']);
  });

  it('lists root context paths and outside variables, not relative or local ones', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['$count(patient.children) > 1', ['patient.children'], []],
      ['patient.children[age > 5].name', ['patient.children'], []],
      ['call.from = "x" and org.name', ['call.from', 'org.name'], []],
      ['$map(items, function($v) { $v.name })', ['items'], []],
      ['($x := a.b; $x + c)', ['a.b', 'c'], []],
      ['$$.foo.bar', ['foo.bar'], []],
      ['$result.slots', [], ['result']],
      ['$exists(booking.id) and $not(done)', ['booking.id', 'done'], []],
      ['$custom(1)', [], ['custom']],
    ];
    for (const [source, paths, variables] of cases) {
      const expr = compileExpression(source);
      expect({ source, paths: expr.paths, variables: expr.variables }).toEqual({ source, paths, variables });
    }
  });

  it('cannot reach prototypes or JavaScript functions', () => {
    expect(compileExpression('constructor').evaluate({})).toBeUndefined();
    expect(compileExpression('__proto__').evaluate({})).toBeUndefined();
    expect(() => compileExpression('($f := constructor.constructor; $f("return process")())').evaluate({})).toThrow(ExpressionEvaluationError);
  });

  it('refuses $eval at compile time, with its position', () => {
    try {
      compileExpression('1 + $eval("2")');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
      expect((error as ExpressionSyntaxError).message).toContain('$eval');
      expect((error as ExpressionSyntaxError).offset).toBeGreaterThan(3);
    }
  });

  it('reports syntax errors with their offset', () => {
    try {
      compileExpression('a +* b');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
      expect((error as ExpressionSyntaxError).offset).toBe(6);
    }
  });

  it('parseExpression finds the same paths and errors without preparing evaluation', () => {
    const parsed = parseExpression('$count(patient.children) > 1 and $result.ok');
    expect(parsed.paths).toEqual(['patient.children']);
    expect(parsed.variables).toEqual(['result']);
    expect(parsed.ast).toMatchObject({ type: 'binary', value: 'and' });
    expect(() => parseExpression('1 + $eval("2")')).toThrow(/\$eval/);
  });

  it('gives the start of the offending token as well as where JSONata stopped', () => {
    const errorOf = (source: string) => {
      try {
        parseExpression(source);
      } catch (error) {
        return error as ExpressionSyntaxError;
      }
      throw new Error(`no error for ${source}`);
    };
    expect(errorOf('a +* b')).toMatchObject({ offset: 6, token: 'b', start: 5 });
    expect(errorOf('a = ').start).toBe(3);
    expect(errorOf('x + $eval("1")')).toMatchObject({ start: 4 });
  });

  it('keeps compiled expressions by source, so the linter\'s parse serves the compiler', () => {
    const source = `count_${Date.now()} + 1`;
    const first = compileExpression(source);
    expect(compileExpression(source)).toBe(first);
    expect(parseExpression(source)).toBe(first);
    // Shared objects evaluate independently: no state leaks from one evaluation to the next.
    expect(first.evaluate({ [`count_${source.slice(6, -4)}`]: 1 })).toBe(2);
    const bad = `a +* ${Date.now()}`;
    const errors = [0, 1].map(() => {
      try {
        compileExpression(bad);
      } catch (error) {
        return error as ExpressionSyntaxError;
      }
      throw new Error('no error');
    });
    expect(errors[1]).toBeInstanceOf(ExpressionSyntaxError);
    expect({ ...errors[1], message: errors[1]!.message }).toEqual({ ...errors[0], message: errors[0]!.message });
  });

  it('stops a runaway expression by counting its steps, not by the clock, so the verdict never depends on load', () => {
    const expr = compileExpression('($f := function($n) { $f($n + 1) }; $f(0))');
    expect(() => expr.evaluate({})).toThrow(/more than 50000 evaluation steps/);
    // The budget resets: the same compiled expression fails the same way again.
    expect(() => expr.evaluate({})).toThrow(/more than 50000 evaluation steps/);
  });

  it('leaves ample room for real work: a mapping over 5,000 items', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ price: i }));
    expect(compileExpression('$sum($map(items, function($v) { $v.price * 2 }))').evaluate({ items })).toBe(4999 * 5000);
  });
});

describe('isTruthy', () => {
  it('follows JSONata: empty sequences and missing values are false', () => {
    expect(isTruthy(undefined)).toBe(false);
    expect(isTruthy([])).toBe(false);
    expect(isTruthy([0, ''])).toBe(false);
    expect(isTruthy([0, 1])).toBe(true);
    expect(isTruthy('x')).toBe(true);
  });
});
