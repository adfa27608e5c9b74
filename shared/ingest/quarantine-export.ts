/**
 * Quarantined bodies back as JSON Lines, for replay: fix them (or the rule that rejected them), then
 * `lakehouse ingest --from <file>` lands them through the same use case, exactly once per file content.
 *
 * A line is the body's bytes as received (`raw_encoding` undone). What cannot be one faithful line is
 * left out and counted by reason:
 * - `truncated`: only the first INGEST_MAX_EVENT_BYTES were kept (body_too_large);
 * - `multiline`: the bytes hold a line break and are not valid JSON. In valid JSON a raw CR or LF can only
 *   be whitespace (inside strings they must be escaped), so those bodies are exported with each CR/LF
 *   turned into a space — the same JSON value, on one line;
 * - `not_unicode`: a text body with unpaired surrogates (`raw_encoding` 'json') has no UTF-8 form;
 * - `blank`: nothing but whitespace, which `lakehouse ingest` skips as a blank line.
 */
import type { Row } from '../delta/read/scan.js';

export type SkipReason = 'truncated' | 'multiline' | 'not_unicode' | 'blank';
export type ReplayLine = { ok: true; bytes: Buffer } | { ok: false; skip: SkipReason };

const CR = 0x0d;
const LF = 0x0a;

/** The replay line of one quarantine row (columns raw_body, raw_encoding, raw_truncated). */
export function replayLine(row: Row): ReplayLine {
  if (row.raw_truncated === true) return { ok: false, skip: 'truncated' };
  const body = typeof row.raw_body === 'string' ? row.raw_body : '';
  let bytes: Buffer;
  if (row.raw_encoding === 'base64') bytes = Buffer.from(body, 'base64');
  else if (row.raw_encoding === 'json') {
    const text = JSON.parse(body) as string;
    bytes = Buffer.from(text, 'utf8');
    // An unpaired surrogate has no UTF-8 form: encoding replaced it with U+FFFD.
    if (bytes.toString('utf8') !== text) return { ok: false, skip: 'not_unicode' };
  } else bytes = Buffer.from(body, 'utf8');
  if (bytes.every((b) => b === 0x20 || b === 0x09 || b === CR || b === LF))
    return { ok: false, skip: 'blank' };
  if (!bytes.includes(LF) && bytes[bytes.length - 1] !== CR) return { ok: true, bytes };
  if (!isJson(bytes)) return { ok: false, skip: 'multiline' };
  const oneLine = Buffer.from(bytes);
  for (let i = 0; i < oneLine.length; i++) if (oneLine[i] === CR || oneLine[i] === LF) oneLine[i] = 0x20;
  return { ok: true, bytes: oneLine };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(strictUtf8.decode(bytes));
    return true;
  } catch {
    return false;
  }
}
