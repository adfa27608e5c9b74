/**
 * JSON Lines input as bytes: the non-blank lines of a file (a trailing '\r' dropped), numbered from 1,
 * each a view of the file's buffer (no copy). Bytes, not text, so a line that is not UTF-8 is
 * quarantined as `body_not_utf8` instead of being silently repaired; the landing decodes the rest.
 */
export interface JsonLine {
  lineNo: number;
  byteOffset: number;
  bytes: Uint8Array;
}

/**
 * The lines of `file`; `firstLineNo` and `baseOffset` place it in a larger file (json-lines-file.ts
 * reads files in chunks): the first line is numbered `firstLineNo` and offsets count from `baseOffset`.
 */
export function splitJsonLines(file: Buffer, firstLineNo = 1, baseOffset = 0): JsonLine[] {
  const out: JsonLine[] = [];
  let start = 0;
  let lineNo = firstLineNo - 1;
  while (start <= file.length) {
    let end = file.indexOf(0x0a, start);
    if (end === -1) end = file.length;
    lineNo++;
    let stop = end;
    if (stop > start && file[stop - 1] === 0x0d) stop--;
    const bytes = file.subarray(start, stop);
    if (!isBlank(bytes)) out.push({ lineNo, byteOffset: baseOffset + start, bytes });
    start = end + 1;
  }
  return out;
}

/** Only JSON whitespace (space, tab, CR): a stray CR left by a CRLF file's empty line is blank too. */
function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
