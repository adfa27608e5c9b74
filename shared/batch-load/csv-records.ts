/**
 * Strict RFC 4180 record splitting. Fields are separated by ',', records by CRLF or LF; a field is
 * either unquoted (no '"', CR or LF inside) or quoted, with '""' for a quote and line breaks allowed.
 *
 * Invariant: every character of the input belongs to exactly one record (or to a line terminator),
 * so a malformed record is reported with its raw text and the parser resynchronises at the next line
 * break; one bad record never hides the records after it. An unterminated quote runs to the end of
 * the input, as any RFC 4180 reader would read it.
 */
export type CsvRecord =
  | { ok: true; line: number; fields: string[]; raw: string }
  | { ok: false; line: number; error: string; raw: string };

/** Splits `text` into records; `line` is the 1-based physical line where a record starts. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const parsed = quotedField(text, i + 1);
        line += parsed.newlines;
        if (parsed.end < 0) {
          error = 'unterminated quoted field';
          i = n;
          break;
        }
        fields.push(parsed.value);
        i = parsed.end;
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== LF && !(c === CR && text.charCodeAt(i + 1) === LF)) {
          error = `unexpected character after a closing quote at column ${fields.length}`;
          break;
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
          j++;
        }
        const c = text.charCodeAt(j);
        if (c === QUOTE) {
          error = `quote inside an unquoted field at column ${fields.length + 1}`;
          i = j;
          break;
        }
        if (c === CR && text.charCodeAt(j + 1) !== LF) {
          error = `bare CR inside an unquoted field at column ${fields.length + 1}`;
          i = j;
          break;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break; // at CRLF or LF
    }
    if (error !== undefined) {
      const lf = i >= n ? -1 : text.indexOf('\n', i);
      const end = lf < 0 ? n : lf;
      records.push({ ok: false, line: startLine, error, raw: stripCr(text.slice(start, end)) });
      if (lf >= 0) line++;
      i = lf < 0 ? n : lf + 1;
      continue;
    }
    const rawEnd = i;
    if (i < n) {
      i += text.charCodeAt(i) === CR ? 2 : 1;
      line++;
    }
    records.push({ ok: true, line: startLine, fields, raw: text.slice(start, rawEnd) });
  }
  return records;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Reads a quoted field whose opening quote precedes `from`; `end` is just past the closing quote, -1 if none. */
function quotedField(text: string, from: number): { value: string; end: number; newlines: number } {
  let value = '';
  let i = from;
  let newlines = 0;
  for (;;) {
    const q = text.indexOf('"', i);
    const chunk = text.slice(i, q < 0 ? text.length : q);
    newlines += countLf(chunk);
    value += chunk;
    if (q < 0) return { value, end: -1, newlines };
    if (text.charCodeAt(q + 1) === QUOTE) {
      value += '"';
      i = q + 2;
      continue;
    }
    return { value, end: q + 1, newlines };
  }
}

function countLf(s: string): number {
  let count = 0;
  for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) count++;
  return count;
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
