import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../connectors/crm/parse-csv.js';

describe('parseCsv', () => {
  it('reads quotes, escaped quotes, line breaks inside quotes, CRLF and a BOM, keeping each record\'s line', () => {
    const text = '\uFEFFphone,name,note\r\n512-555-0100,"Garcia, Maria","said ""call after 5""\nand hung up"\r\n\r\n512-555-0101,Bob,\n';
    const parsed = parseCsv(text);
    expect(parsed).toEqual({
      ok: true,
      delimiter: ',',
      records: [
        { line: 1, fields: ['phone', 'name', 'note'] },
        { line: 2, fields: ['512-555-0100', 'Garcia, Maria', 'said "call after 5"\nand hung up'] },
        { line: 5, fields: ['512-555-0101', 'Bob', ''] },
      ],
    });
  });

  it('detects semicolon and tab delimiters from the header', () => {
    expect(parseCsv('phone;name\n5125550100;Ana').ok && parseCsv('phone;name\n5125550100;Ana')).toMatchObject({ delimiter: ';', records: [{}, { fields: ['5125550100', 'Ana'] }] });
    expect(parseCsv('phone\tname\n5125550100\tAna')).toMatchObject({ delimiter: '\t' });
  });

  it('reports an unterminated quote with the line it opened on, keeping the records before it', () => {
    const parsed = parseCsv('phone,name\n5125550100,Ana\n5125550101,"Bob\n5125550102,Cy\n');
    expect(parsed).toMatchObject({ ok: false, line: 3, message: 'a quoted field opened on line 3 is never closed', records: [{ line: 1 }, { line: 2 }] });
  });
});
