import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from '../../../shared/batch-load/csv-records.js';

describe('parseCsvRecords (RFC 4180)', () => {
  it('splits LF and CRLF records, with or without a final line break', () => {
    expect(parseCsvRecords('a,b\r\n1,2\n3,4')).toEqual([
      { ok: true, line: 1, fields: ['a', 'b'], raw: 'a,b' },
      { ok: true, line: 2, fields: ['1', '2'], raw: '1,2' },
      { ok: true, line: 3, fields: ['3', '4'], raw: '3,4' },
    ]);
  });

  it('reads quoted fields with commas, escaped quotes and line breaks, and counts physical lines', () => {
    const records = parseCsvRecords('x,y\n"a,b","say ""hi"""\n"two\nlines",z\nlast,1\n');
    expect(records.map((r) => (r.ok ? r.fields : r.error))).toEqual([
      ['x', 'y'],
      ['a,b', 'say "hi"'],
      ['two\nlines', 'z'],
      ['last', '1'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('keeps empty fields and a trailing empty field', () => {
    expect(parseCsvRecords('a,,\n,"",b\n').map((r) => (r.ok ? r.fields : []))).toEqual([
      ['a', '', ''],
      ['', '', 'b'],
    ]);
  });

  it('reports a blank line as one empty record', () => {
    expect(parseCsvRecords('a\n\nb\n')).toEqual([
      { ok: true, line: 1, fields: ['a'], raw: 'a' },
      { ok: true, line: 2, fields: [''], raw: '' },
      { ok: true, line: 3, fields: ['b'], raw: 'b' },
    ]);
  });

  it('rejects a quote inside an unquoted field and resynchronises at the next line', () => {
    const records = parseCsvRecords('a,b"c,d\ne,f\n');
    expect(records[0]).toMatchObject({ ok: false, line: 1, raw: 'a,b"c,d' });
    expect(records[1]).toEqual({ ok: true, line: 2, fields: ['e', 'f'], raw: 'e,f' });
  });

  it('rejects text after a closing quote', () => {
    const records = parseCsvRecords('"a"x,b\r\nc,d\r\n');
    expect(records[0]).toMatchObject({ ok: false, line: 1, raw: '"a"x,b' });
    expect(records[0]?.ok === false && records[0].error).toMatch(/after a closing quote/);
    expect(records[1]).toMatchObject({ ok: true, line: 2, fields: ['c', 'd'] });
  });

  it('rejects a bare CR in an unquoted field', () => {
    expect(parseCsvRecords('a\rb,c\nd,e\n')[0]).toMatchObject({ ok: false, line: 1 });
  });

  it('reads an unterminated quote to the end of the input as one malformed record', () => {
    const records = parseCsvRecords('a,b\n1,"open\n2,3\n');
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      ok: false,
      line: 2,
      error: 'unterminated quoted field',
      raw: '1,"open\n2,3\n',
    });
  });
});
