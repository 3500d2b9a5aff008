import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml, yamlOf } from '../../engine/flow/flow-yaml.js';
import { minimalFlow, minimalFlowYaml } from '../support/flow-documents.js';

describe('yamlOf', () => {
  const source = minimalFlowYaml('kept');

  it('gives back the text the document was saved from, comments and layout included, while it reads as that document', () => {
    expect(yamlOf(minimalFlow('kept'), source)).toBe(source);
    // Key order is not content: the same document written in another order still matches.
    const { stages, ...rest } = minimalFlow('kept');
    expect(yamlOf({ stages, ...rest }, source)).toBe(source);
  });

  it('generates the YAML once the document differs from the text, or there is no text, or it does not read', () => {
    const changed = { ...minimalFlow('kept'), name: 'Renamed' };
    for (const [document, text] of [
      [changed, source],
      [minimalFlow('kept'), undefined],
      [minimalFlow('kept'), 'id: kept\nname: [broken\n'],
    ] as const) {
      const yaml = yamlOf(document, text);
      expect(yaml).toBe(toYaml(document));
      expect(yaml).not.toContain('#');
      expect(parse(yaml)).toEqual(document);
    }
  });
});
