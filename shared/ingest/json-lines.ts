/**
 * JSON Lines input as bytes: the non-blank lines of a file (a trailing '\r' dropped), numbered from 1,
 * each a view of the file's buffer (no copy). Bytes, not text, so a line that is not UTF-8 is
 * quarantined as `body_not_utf8` instead of being silently repaired; the landing decodes the rest.
 */
export interface JsonLine {
  lineNo: number;
  byteOffset: number;
  bytes: Uint8Array;
  /** Set when `bytes` is only the line's head (json-lines-file.ts `maxLineBytes`): the line's length. */
  fullBytes?: number;
}

/** The lines of `file`. */
export function splitJsonLines(file: Buffer): JsonLine[] {
  const out: JsonLine[] = [];
  appendJsonLines(out, file, 1, 0);
  return out;
}

/**
 * Appends the lines of `file` to `out`, placed in a larger file (json-lines-file.ts reads files in
 * chunks): the first line is numbered `firstLineNo` and offsets count from `baseOffset`. Stops after
 * `maxLines` appended lines. Returns the number the next line has (blank lines are counted, not
 * appended) and where it starts in `file` (beyond its end when every line was taken).
 */
export function appendJsonLines(
  out: JsonLine[],
  file: Buffer,
  firstLineNo: number,
  baseOffset: number,
  maxLines = Infinity,
): { nextLineNo: number; rest: number } {
  let start = 0;
  let lineNo = firstLineNo - 1;
  let appended = 0;
  while (start <= file.length && appended < maxLines) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    lineNo++;
    let stop = end;
    if (stop > start && file[stop - 1] === 0x0d) stop--;
    const bytes = file.subarray(start, stop);
    if (!isBlank(bytes)) {
      out.push({ lineNo, byteOffset: baseOffset + start, bytes });
      appended++;
    }
    start = end + 1;
  }
  return { nextLineNo: lineNo + 1, rest: start };
}

/** Only JSON whitespace (space, tab, CR): a stray CR left by a CRLF file's empty line is blank too. */
export function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
