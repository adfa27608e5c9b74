/**
 * Names of files under `_delta_log/` (PROTOCOL.md "Delta Log Entries", "Checkpoints").
 * Zero-padded versions make lexicographic order equal version order, which listing relies on.
 */
export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;

export function pad20(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitKey(version: number): string {
  return `${LOG_DIR}/${pad20(version)}.json`;
}

export function checkpointKey(version: number): string {
  return `${LOG_DIR}/${pad20(version)}.checkpoint.parquet`;
}

export type LogFile =
  | { kind: 'commit'; version: number; key: string }
  | { kind: 'checkpoint'; version: number; key: string; part?: number; parts?: number }
  | { kind: 'v2-checkpoint'; version: number; key: string }
  | { kind: 'other'; key: string };

const COMMIT_RE = /^(\d{20})\.json$/;
const CLASSIC_CP_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART_CP_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_CP_RE = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

/** Classifies a key under `_delta_log/`; unknown names (crc, compacted logs, temp files) are 'other'. */
export function parseLogKey(key: string): LogFile {
  const name = key.slice(key.lastIndexOf('/') + 1);
  let m = COMMIT_RE.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), key };
  m = CLASSIC_CP_RE.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), key };
  m = MULTIPART_CP_RE.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), key, part: Number(m[2]), parts: Number(m[3]) };
  m = V2_CP_RE.exec(name);
  if (m) return { kind: 'v2-checkpoint', version: Number(m[1]), key };
  return { kind: 'other', key };
}
