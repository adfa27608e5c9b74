import { describe, expect, test } from 'vitest';
import { splitJsonLines } from '../../../shared/ingest/json-lines.js';

const split = (text: string | Buffer) =>
  splitJsonLines(Buffer.isBuffer(text) ? text : Buffer.from(text)).map((l) => ({
    lineNo: l.lineNo,
    byteOffset: l.byteOffset,
    text: Buffer.from(l.bytes).toString('latin1'),
  }));

describe('splitJsonLines', () => {
  test('numbers lines from 1 in the file, with their byte offsets, LF or CRLF, last newline optional', () => {
    expect(split('{"a":1}\n{"b":2}\n')).toEqual([
      { lineNo: 1, byteOffset: 0, text: '{"a":1}' },
      { lineNo: 2, byteOffset: 8, text: '{"b":2}' },
    ]);
    expect(split('{"a":1}\r\n{"b":2}')).toEqual([
      { lineNo: 1, byteOffset: 0, text: '{"a":1}' },
      { lineNo: 2, byteOffset: 9, text: '{"b":2}' },
    ]);
  });

  test('blank lines (spaces, tabs, a stray CR) are skipped but keep their numbers', () => {
    const lines = split('\n  \t\n{"a":1}\r\n\r\r\n\r\n"x"\n');
    expect(lines.map((l) => [l.lineNo, l.text])).toEqual([
      [3, '{"a":1}'],
      [6, '"x"'],
    ]);
  });

  test('anything else is a line, also what is not JSON or not UTF-8 (the landing quarantines it)', () => {
    const bytes = Buffer.concat([Buffer.from('x\n\u00a0\n'), Buffer.from([0xff, 0x0a, 0x00])]);
    expect(split(bytes).map((l) => l.text)).toEqual(['x', '\u00c2\u00a0', '\u00ff', '\u0000']);
  });

  test('an empty file has no lines; the views share the file buffer', () => {
    expect(split('')).toEqual([]);
    const file = Buffer.from('{"a":1}\n');
    const [line] = splitJsonLines(file);
    expect(line?.bytes.buffer).toBe(file.buffer);
  });
});
