/** replayLine: a quarantine row's body back as one JSON Lines line, or the reason it cannot be one. */
import { describe, expect, test } from 'vitest';
import { replayLine } from '../../../shared/ingest/quarantine-export.js';

const row = (raw_body: string, raw_encoding = 'utf8', raw_truncated = false) => ({
  raw_body,
  raw_encoding,
  raw_truncated,
});
const text = (r: ReturnType<typeof replayLine>) => (r.ok ? r.bytes.toString('utf8') : r.skip);

describe('replayLine', () => {
  test('text bodies come back as they were received', () => {
    expect(text(replayLine(row('{"eventId":"e1","x":"ü 😀"}')))).toBe('{"eventId":"e1","x":"ü 😀"}');
    expect(text(replayLine(row('not json at all')))).toBe('not json at all');
  });

  test('base64 bodies come back as their bytes, not as text', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x7b, 0x7d]);
    const r = replayLine(row(bytes.toString('base64'), 'base64'));
    expect(r.ok && [...r.bytes]).toEqual([...bytes]);
  });

  test('JSON bodies with line breaks are put on one line (same value); other multi-line bodies are left out', () => {
    const pretty = JSON.stringify({ eventId: 'e1', note: 'a\nb' }, null, 2).replace(/\n/g, '\r\n');
    const r = replayLine(row(pretty));
    expect(r.ok && r.bytes.includes(0x0a)).toBe(false);
    expect(JSON.parse(text(r))).toEqual({ eventId: 'e1', note: 'a\nb' });
    expect(text(replayLine(row('{"broken":\n')))).toBe('multiline');
    expect(text(replayLine(row('{"a":1}\r')))).toBe('{"a":1} ');
    expect(text(replayLine(row(Buffer.from('x\ny').toString('base64'), 'base64')))).toBe('multiline');
  });

  test('truncated, blank and unpaired-surrogate bodies are left out', () => {
    expect(text(replayLine(row('{"eventId":"e1","pad":"xxx', 'utf8', true)))).toBe('truncated');
    expect(text(replayLine(row(' \t ')))).toBe('blank');
    expect(text(replayLine(row('')))).toBe('blank');
    expect(text(replayLine(row(JSON.stringify('{"id":"\ud800"}'), 'json')))).toBe('not_unicode');
    expect(text(replayLine(row(JSON.stringify('{"id":"\ud83d\ude00"}'), 'json')))).toBe('{"id":"😀"}');
  });
});
