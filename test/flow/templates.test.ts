import { describe, expect, it } from 'vitest';
import flowSchema from '../../schemas/flow.schema.json' with { type: 'json' };
import Handlebars from 'handlebars';
import { checkTemplate, compileTemplate, parseTemplate, scanPlainTemplate, TEMPLATE_HELPERS, TemplateError } from '../../engine/flow/templates.js';

const context = {
  org: { name: 'Jefferson Dental' },
  patient: { parentName: 'Maria', children: [{ name: 'Tony', age: 7 }, { name: 'Paula', age: 9 }] },
  call: { from: '+15125550100', direction: 'outbound' },
  booking: { start: '2026-01-06T21:00:00Z' },
};

function errorOf(source: string): TemplateError {
  try {
    compileTemplate(source);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`no error for ${source}`);
}

describe('compileTemplate', () => {
  it('renders the helpers flows use, without HTML escaping', () => {
    const template = compileTemplate(
      'Hi {{default patient.parentName "there"}} & co — {{join patient.children "name" " and "}} ({{count patient.children}}).' +
        '{{#if (eq call.direction "outbound")}} Calling from {{org.name}}.{{/if}} {{date booking.start timeZone="America/Chicago"}}',
    );
    expect(template.render(context)).toBe(
      'Hi Maria & co — Tony and Paula (2). Calling from Jefferson Dental. Tuesday, January 6 at 3:00 PM',
    );
  });

  it('renders missing values as empty text', () => {
    expect(compileTemplate('[{{nothing.here}}]').render({})).toBe('[]');
    expect(compileTemplate('{{default nothing "fallback"}}').render({})).toBe('fallback');
  });

  it('lists root paths with the position of the path itself, not paths relative to each/with blocks', () => {
    const template = compileTemplate('Hello {{patient.parentName}}\n{{#each patient.children}}{{name}} at {{../org.name}} {{@root.call.from}}{{/each}}');
    expect(template.paths).toEqual([
      { path: 'patient.parentName', line: 1, column: 9, guarded: false },
      { path: 'patient.children', line: 2, column: 9, guarded: true },
      { path: 'org.name', line: 2, column: 41, guarded: false },
      { path: 'call.from', line: 2, column: 57, guarded: false },
    ]);
  });

  it('marks reads that handle a missing value themselves as guarded', () => {
    const guarded = (source: string) => Object.fromEntries(checkTemplate(source).paths.map((read) => [read.path, read.guarded]));
    expect(guarded('{{default name "there"}} {{count items}} {{#if (eq call.direction "in")}}x{{/if}}')).toEqual({ name: true, items: true, 'call.direction': true });
    expect(guarded('{{#if booking}}Booked {{booking.id}} for {{who}}{{/if}}')).toEqual({ booking: true, 'booking.id': true, who: false });
    expect(guarded('{{#unless booking}}none{{else}}{{booking.id}}{{/unless}}')).toEqual({ booking: true, 'booking.id': true });
    expect(guarded('{{name}} and again {{default name "x"}}')).toEqual({ name: false });
    expect(guarded('{{#with patient}}{{name}}{{/with}} {{#each kids}}{{../org.name}}{{/each}}')).toEqual({ patient: true, kids: true, 'org.name': false });
  });

  it('does not expose prototypes', () => {
    expect(compileTemplate('{{constructor}}{{__proto__}}{{org.constructor.name}}{{lookup org "constructor"}}').render(context)).toBe('');
  });

  it('rejects unknown helpers at compile time, with their position', () => {
    const error = errorOf('line one\n{{shout patient.parentName}}');
    expect(error.kind).toBe('unknown-helper');
    expect(error.message).toContain('"shout"');
    expect([error.line, error.column]).toEqual([2, 1]);
  });

  it('rejects partials and decorators', () => {
    expect(errorOf('{{> header}}').kind).toBe('forbidden');
  });

  it('reports syntax errors with line and column', () => {
    const unclosed = errorOf('ok\n{{#if patient}} never closed');
    expect(unclosed.kind).toBe('syntax');
    expect(unclosed.line).toBe(2);
    const mismatched = errorOf('{{#each a}}x{{/if}}');
    expect(mismatched.message).toContain("doesn't match");
  });

  it("rejects Handlebars' own helpers that are not in the allowed list", () => {
    expect(errorOf('{{log patient}}').kind).toBe('unknown-helper');
    expect(errorOf('{{log patient}}').message).toContain('"log"');
    expect(errorOf('{{helperMissing}}').kind).toBe('unknown-helper');
  });

  it('rejects block helpers given the wrong number of values, before a call renders them', () => {
    expect(errorOf('{{#each}}x{{/each}}').message).toContain('needs exactly one value');
    expect(errorOf('x\n{{#if a b}}y{{/if}}')).toMatchObject({ kind: 'syntax', line: 2, column: 1 });
  });

  it('checkTemplate (parse only) agrees with compileTemplate on every outcome', () => {
    const corpus = [
      'plain', '{{a.b}}', '{{#patient}}x{{/patient}}', '{{foo bar}}', '{{x (foo)}}', '{{default x (upper y)}}', '{{lookup a "b"}}',
      '{{#each}}x{{/each}}', '{{#with x}}{{shout}}{{/with}}', '{{./foo bar}}', '{{> p}}', '{{#*inline "x"}}y{{/inline}}', '{{log x}}',
      '{{helperMissing}}', '{{#if a}}x{{else}}y{{/if}}', '{{#if (eq a "b")}}x{{/if}}', '{{count}}', '{{#unless a}}x{{/if}}', '{{@root.a b}}',
      '{{date booking.start timeZone="UTC"}}', '{{{raw}}}', '{{join a "name" ", "}}', '{{#each a}}{{../b}}{{/each}}', '{{constructor x}}',
    ];
    const outcome = (run: () => { paths: readonly unknown[] }) => {
      try {
        return { ok: true, paths: run().paths };
      } catch (error) {
        const e = error as TemplateError;
        return { ok: false, kind: e.kind, line: e.line, column: e.column, message: e.message };
      }
    };
    for (const source of corpus) {
      expect({ source, ...outcome(() => checkTemplate(source)) }).toEqual({ source, ...outcome(() => compileTemplate(source)) });
    }
  });

  it('finds unknown helpers exactly where Handlebars (knownHelpersOnly) would, without generating code', () => {
    const corpus = [
      '{{shout x}}', '{{shout}}', '{{#shout}}x{{/shout}}', '{{#shout x}}y{{/shout}}', '{{x.shout y}}', '{{this.shout y}}',
      '{{default (shout x) "a"}}', '{{#if (eq (upper a) b)}}x{{/if}}', '{{join a sep=(nope b)}}', '{{lookup a "b"}}',
      '{{#each items as |item|}}{{item x}}{{/each}}', '{{#each items as |item|}}{{other x}}{{/each}}', '{{json a}}',
      '{{"literal" x}}', '{{@root.fn x}}', '{{shout x=1}}', '{{#with a as |b|}}{{#each b as |c|}}{{c 1}}{{b 2}}{{/each}}{{/with}}',
      '{{#unless a}}x{{else}}{{nope y}}{{/unless}}', '{{../up x}}', '{{date a timeZone="UTC"}}', '{{not}}',
    ];
    const knownHelpers = Object.fromEntries(TEMPLATE_HELPERS.map((name) => [name, true]));
    const verdicts: boolean[] = [];
    for (const source of corpus) {
      let handlebarsRejects = false;
      try {
        Handlebars.precompile(source, { knownHelpers, knownHelpersOnly: true });
      } catch (error) {
        handlebarsRejects = /unknown helper/.test(String(error));
      }
      let oursRejects = false;
      try {
        compileTemplate(source);
      } catch (error) {
        oursRejects = error instanceof TemplateError && error.kind === 'unknown-helper';
      }
      expect(oursRejects, source).toBe(handlebarsRejects);
      verdicts.push(handlebarsRejects);
    }
    // The corpus must exercise both verdicts, or the comparison proves nothing.
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(5);
    expect(verdicts.filter((rejects) => !rejects).length).toBeGreaterThan(5);
  });

  it('returns text without placeholders as is, and renders the same text again after the first (code-generating) render', () => {
    expect(compileTemplate('Say goodbye. \\ {not a placeholder}').render({})).toBe('Say goodbye. \\ {not a placeholder}');
    const template = compileTemplate('Hi {{name}}');
    expect(template.render({ name: 'A' })).toBe('Hi A');
    expect(template.render({ name: 'B' })).toBe('Hi B');
  });

  it('reads plain templates without the parser, with exactly the parser’s paths, and leaves the rest to it', () => {
    const plain = [
      'Hello {{patient.parentName}}, from {{org.name}}.',
      'Ask {{default caller.name "the caller"}} about {{ item }} ({{count items}} items, {{join kids "name" ", "}}).',
      'line one\n  {{a.b}} and {{a.b}} again\n{{c-d}} {{eq call.direction \'outbound\'}} {{gt n 2}} {{json slots}}',
      '{{lookup org "name"}} {{not flag}} }} stray braces',
      '{{\n  multi.line\n}}',
    ];
    const parsed = [
      '{{#if a}}x{{/if}}', '{{! comment }}', '{{~a}}', '{{a~}}', '{{this.a}}', '{{../a}}', '{{@root.a}}', '{{default a b=1}}',
      '{{default (count a) 1}}', '{{shout a}}', '\\{{a}}', '{{{a}}}', '{{true}}', '{{default a null}}', 'a\r\n{{b}}', '{{a.0}}', '{{default a "b}}',
      '{{> partial}}', '{{[a b]}}', '{{a}} {{', '{{else}}',
      // A bare helper name is a helper call in Handlebars, not a read of the context.
      '{{count}}', '{{log}}', '{{not}} {{a}}',
    ];
    for (const source of plain) {
      expect(scanPlainTemplate(source), source).toEqual(parseTemplate(source).paths);
      const context = { patient: { parentName: 'M' }, org: { name: 'O' }, items: [1], kids: [{ name: 'T' }], a: { b: 1 }, call: { direction: 'outbound' }, n: 3 };
      expect(compileTemplate(source).render(context), source).toBe(parseTemplate(source).render(context));
    }
    for (const source of parsed) expect(scanPlainTemplate(source), source).toBeUndefined();
    // What the scan leaves to the parser still fails where it should.
    expect(() => compileTemplate('{{shout a}}')).toThrow(TemplateError);
    expect(() => compileTemplate('{{default a "b}}')).toThrow(TemplateError);
  });

  it('documents exactly its helpers in the flow schema', () => {
    const description = flowSchema.$defs.Template.description;
    const documented = [...description.matchAll(/`([a-z]+)`/g)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...TEMPLATE_HELPERS].sort());
  });
});
