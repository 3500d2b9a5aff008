import { describe, expect, it } from 'vitest';
import { TemplateError, renderTemplate, singlePlaceholder, templateVariables } from '../../engine/connectors/render-template.js';

describe('renderTemplate', () => {
  it('substitutes variables and dotted paths', () => {
    expect(renderTemplate('Hi {{ name }}, see you {{appt.when}} ({{appt.kids.1}})', { name: 'Maria', appt: { when: 'Monday 9 AM', kids: ['Tony', 'Paula'] } })).toBe(
      'Hi Maria, see you Monday 9 AM (Paula)',
    );
  });

  it('encodes values, not the template', () => {
    expect(renderTemplate('https://x.test/{{vin}}?q={{q}}', { vin: 'A B/C', q: '&x=1' }, { encode: encodeURIComponent })).toBe('https://x.test/A%20B%2FC?q=%26x%3D1');
  });

  it('refuses missing variables instead of rendering them empty', () => {
    expect(() => renderTemplate('Hi {{name}}', {})).toThrow(TemplateError);
    expect(() => renderTemplate('Hi {{name}}', { name: null })).toThrow('template variable "name" was not given');
  });

  it('never reaches prototypes', () => {
    expect(() => renderTemplate('{{constructor.name}}', {})).toThrow('forbidden name "constructor"');
    expect(() => renderTemplate('{{a.__proto__.polluted}}', { a: {} })).toThrow('forbidden name "__proto__"');
    expect(() => renderTemplate('{{toString}}', {})).toThrow('was not given');
    expect(() => renderTemplate('{{length}}', Object.create({ length: 3 }) as Record<string, unknown>)).toThrow('was not given');
  });

  it('refuses malformed placeholders and has no helpers or blocks', () => {
    expect(() => renderTemplate('Hi {{#each kids}}{{this}}{{/each}}', { kids: [] })).toThrow('not a valid {{variable}} placeholder');
    expect(() => renderTemplate('Hi {{name', { name: 'x' })).toThrow(TemplateError);
  });

  it('lists variables and recognises a lone placeholder', () => {
    expect(templateVariables('{{a}} {{b.c}} {{a}}')).toEqual(['a', 'b.c']);
    expect(singlePlaceholder('{{ count }}')).toBe('count');
    expect(singlePlaceholder('n={{count}}')).toBeUndefined();
  });
});
