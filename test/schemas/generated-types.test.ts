import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED, generate } from '../../scripts/generate-types.js';

describe('generated types', () => {
  it.each(GENERATED.map(([schema, out, rootName]) => ({ schema, out, rootName })))(
    '$out matches $schema (run `npm run gen:types` after editing a schema)',
    async ({ schema, out, rootName }) => {
      const expected = await generate(schema, rootName);
      const actual = await readFile(out, 'utf8');
      expect(actual).toBe(expected);
    },
  );
});
