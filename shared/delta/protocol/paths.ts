/**
 * `add.path` / `remove.path` handling (PROTOCOL.md "Add File and Remove File").
 *
 * A path is an RFC 2396 URI: relative to the table root, or absolute (`file:/…`, `file:///…`, `/…`,
 * `abfss://…`). It is URI-decoded exactly once. Log replay keys files by the canonical form so that
 * `file:/a/b`, `file:///a/b` and `/a/b` are the same file.
 */

export type ResolvedPath = { kind: 'relative'; path: string } | { kind: 'absolute'; uri: string };

export function resolveActionPath(raw: string): ResolvedPath {
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  if (schemeMatch) {
    const scheme = (schemeMatch[1] ?? '').toLowerCase();
    if (scheme === 'file') {
      let rest = raw.slice(schemeMatch[0].length);
      if (rest.startsWith('//')) rest = rest.slice(2); // authority (empty for local files)
      return { kind: 'absolute', uri: `file://${safeDecode(normalizeSlashes(rest))}` };
    }
    return { kind: 'absolute', uri: safeDecode(raw) };
  }
  if (raw.startsWith('/')) return { kind: 'absolute', uri: `file://${safeDecode(normalizeSlashes(raw))}` };
  return { kind: 'relative', path: safeDecode(raw) };
}

/** Key used by log replay to reconcile adds and removes of the same file. */
export function canonicalPathKey(raw: string): string {
  const r = resolveActionPath(raw);
  return r.kind === 'relative' ? r.path : r.uri;
}

function normalizeSlashes(p: string): string {
  return p.replace(/^\/+/, '/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const HIVE_ESCAPED = '"#%\'*/:=?\\{[]^';

/**
 * Hive-style escaping of a partition directory component, as Spark does on Linux: control characters,
 * DEL and the characters in HIVE_ESCAPED become %XX; space, non-ASCII and `}` stay raw.
 */
export function escapePartitionComponent(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || HIVE_ESCAPED.includes(ch)) {
      out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    } else out += ch;
  }
  return out;
}

const URI_ESCAPED = '"#%<>?[\\]^`{|}';

/**
 * URI-encodes a relative file path for `add.path` the way Hadoop's Path.toUri does: space, controls and the
 * characters in URI_ESCAPED are encoded; `/` and non-ASCII stay raw.
 */
export function encodeAddPath(path: string): string {
  let out = '';
  for (const ch of path) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f || URI_ESCAPED.includes(ch)) {
      out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    } else out += ch;
  }
  return out;
}

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';
