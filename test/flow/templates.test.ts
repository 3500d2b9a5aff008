import { describe, expect, it } from 'vitest';
import flowSchema from '../../schemas/flow.schema.json' with { type: 'json' };
import Handlebars from 'handlebars';
import { checkTemplate, compileTemplate, parseTemplate, scanTemplate, TEMPLATE_HELPERS, TemplateError } from '../../engine/flow/templates.js';

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

  it('reads templates of the common shapes without the parser, with exactly the parser’s paths, and leaves the rest to it', () => {
    const plain = [
      '{{#if a}}x{{/if}}', '{{#if vip}} as a member{{else}} as {{name}}{{/if}} {{default note "No note."}}',
      '{{#unless booking}}none{{else}}{{booking.id}} at {{booking.start}}{{/unless}} {{booking.id}}',
      '{{#each patient.children}}{{name}} {{#if age}}({{age}}){{/if}}{{else}}no children {{org.name}}{{/each}}',
      '{{#with org}}{{name}}{{/with}}\n  {{#if  org.name }}{{org.name}}{{/if}} {{org}}',
      '{{#if a}}{{#if a.b}}{{a.b.c}}{{/if}}{{else}}{{a.d}}{{/if}}{{a.b.c}}',
      'Hello {{patient.parentName}}, from {{org.name}}.',
      'Ask {{default caller.name "the caller"}} about {{ item }} ({{count items}} items, {{join kids "name" ", "}}).',
      'line one\n  {{a.b}} and {{a.b}} again\n{{c-d}} {{eq call.direction \'outbound\'}} {{gt n 2}} {{json slots}}',
      '{{lookup org "name"}} {{not flag}} }} stray braces',
      '{{\n  multi.line\n}}',
    ];
    const parsed = [
      '{{#if}}x{{/if}}', '{{#if a b}}x{{/if}}', '{{#if a}}x', '{{#if a}}x{{/unless}}', '{{#if a}}x{{else}}y{{else}}z{{/if}}',
      '{{#if a}}x{{else if b}}y{{/if}}', '{{#each a as |b|}}{{b}}{{/each}}', '{{# if a}}x{{/if}}', '{{#if a}}x{{/ if}}', '{{#if (eq a 1)}}x{{/if}}',
      '{{#join a}}x{{/join}}', '{{#each a}}{{../b}}{{/each}}', '{{#each a}}{{@index}}{{/each}}', '{{#if "a"}}x{{/if}}', '{{/if}}', '{{^}}',
      '{{! comment }}', '{{~a}}', '{{a~}}', '{{this.a}}', '{{../a}}', '{{@root.a}}', '{{default a b=1}}',
      '{{default (count a) 1}}', '{{shout a}}', '\\{{a}}', '{{{a}}}', '{{true}}', '{{default a null}}', 'a\r\n{{b}}', '{{a.0}}', '{{default a "b}}',
      '{{> partial}}', '{{[a b]}}', '{{a}} {{', '{{else}}',
      // A bare helper name is a helper call in Handlebars, not a read of the context.
      '{{count}}', '{{log}}', '{{not}} {{a}}',
    ];
    for (const source of plain) {
      expect(scanTemplate(source), source).toEqual(parseTemplate(source).paths);
      const context = { patient: { parentName: 'M' }, org: { name: 'O' }, items: [1], kids: [{ name: 'T' }], a: { b: 1 }, call: { direction: 'outbound' }, n: 3 };
      expect(compileTemplate(source).render(context), source).toBe(parseTemplate(source).render(context));
    }
    for (const source of parsed) expect(scanTemplate(source), source).toBeUndefined();
    // What the scan leaves to the parser still fails where it should.
    expect(() => compileTemplate('{{shout a}}')).toThrow(TemplateError);
    expect(() => compileTemplate('{{default a "b}}')).toThrow(TemplateError);
  });

  it('agrees with the parser on generated templates: same paths when it reads one, and it never reads one the parser rejects', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const leaves = [
      'text ', '\n', '  ', '{{a}}', '{{a.b}}', '{{b}}', '{{c.d}}', '{{default a "x"}}', '{{count b}}', '{{join c "n" ", "}}', '{{eq a 1}}',
      '{{name}}', '{{ b }}',
    ];
    // Shapes the scan leaves to the parser (and one it must not read as a helper call).
    const others = ['{{count}}', '{{this}}', '{{../a}}', '{{a b}}', '{{', '{{@index}}', '{{#if (eq a 1)}}x{{/if}}'];
    const leaf = () => (random() < 0.05 ? pick(others) : pick(leaves));
    const blockNames = ['if', 'unless', 'each', 'with'];
    const values = ['a', 'a.b', 'b', 'c', 'c.d', 'name', ' b '];
    // Mostly well-formed nesting; now and then a block is broken (no close, a wrong close, a second else).
    const generate = (depth: number): string => {
      let out = '';
      const items = 1 + Math.floor(random() * 4);
      for (let i = 0; i < items; i++) {
        if (depth < 3 && random() < 0.35) {
          const name = pick(blockNames);
          out += `{{#${name} ${pick(values)}}}${generate(depth + 1)}`;
          if (random() < 0.4) out += `{{else}}${generate(depth + 1)}`;
          if (random() < 0.03) out += '{{else}}';
          const close = random();
          out += close < 0.03 ? '' : close < 0.06 ? `{{/${pick(blockNames)}}}` : `{{/${name}}}`;
        } else out += leaf();
      }
      return out;
    };
    // And pieces glued at random, mostly invalid.
    const glued = () => Array.from({ length: 1 + Math.floor(random() * 9) }, () => pick([...leaves, ...others, '{{#if a}}', '{{#each c}}', '{{else}}', '{{/if}}', '{{/each}}'])).join('');
    const context = { a: { b: [1] }, b: 'B', c: [{ name: 'N', d: 1 }], name: 'top' };
    let read = 0;
    let blocks = 0;
    for (let i = 0; i < 2500; i++) {
      const source = i % 4 === 3 ? glued() : generate(0);
      const scanned = scanTemplate(source);
      let parsed: ReturnType<typeof parseTemplate> | undefined;
      try {
        parsed = parseTemplate(source);
      } catch (error) {
        expect(error, source).toBeInstanceOf(TemplateError);
      }
      if (scanned === undefined) continue;
      read += 1;
      if (source.includes('{{#')) blocks += 1;
      expect(parsed, `the parser rejects what the scan read: ${JSON.stringify(source)}`).toBeDefined();
      expect(scanned, source).toEqual(parsed!.paths);
      expect(compileTemplate(source).render(context), source).toBe(parsed!.render(context));
    }
    // Enough of the generated templates, blocks included, must be read by the scan, or the comparison proves little.
    expect(read).toBeGreaterThan(800);
    expect(blocks).toBeGreaterThan(300);
  });

  it('documents exactly its helpers in the flow schema', () => {
    const description = flowSchema.$defs.Template.description;
    const documented = [...description.matchAll(/`([a-z]+)`/g)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...TEMPLATE_HELPERS].sort());
  });
});
