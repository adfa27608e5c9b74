/**
 * A JSON Lines file read in two streaming passes, so a backfill of any size runs in bounded memory:
 * `fileDigest` hashes the content (the file's identity for exactly-once landing), then
 * `jsonLineBatches` reads the same bytes in chunks and yields batches of non-blank lines, numbered
 * and offset as in the whole file (what `splitJsonLines` gives for the file read at once).
 *
 * A line that spans chunks is reassembled (its parts are concatenated once, when its end arrives, so
 * a very long line costs linear time). The batches' line views point into the chunk buffers, which
 * stay alive as long as the caller holds the batch.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { splitJsonLines, type JsonLine } from './json-lines.js';

export interface FileDigest {
  /** sha256 of the content, hex. */
  sha256: string;
  bytes: number;
  /** The file's modification time before it was read (to tell later whether it changed). */
  mtimeMs: number;
}

export async function fileDigest(path: string): Promise<FileDigest> {
  const { mtimeMs } = await stat(path);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes, mtimeMs };
}

/** Whether the file still has the size and modification time it had when it was digested. */
export async function unchangedSince(path: string, digest: FileDigest): Promise<boolean> {
  const now = await stat(path);
  return now.size === digest.bytes && now.mtimeMs === digest.mtimeMs;
}

export interface JsonLineBatch {
  lines: JsonLine[];
  /** Bytes of the file read so far (progress). */
  bytesRead: number;
}

export interface JsonLineBatchOptions {
  batchSize: number;
  /** Read no further than this many bytes (the size that was hashed); default: to the end. */
  maxBytes?: number;
  chunkBytes?: number;
}

export async function* jsonLineBatches(
  path: string,
  options: JsonLineBatchOptions,
): AsyncGenerator<JsonLineBatch> {
  const { batchSize, maxBytes = Number.MAX_SAFE_INTEGER, chunkBytes = 8 << 20 } = options;
  const handle = await open(path, 'r');
  try {
    let bytesRead = 0;
    let nextLineNo = 1;
    /** The unfinished last line: its parts and where it starts in the file. */
    let carry: Buffer[] = [];
    let carryOffset = 0;
    let pending: JsonLine[] = [];
    const take = (region: Buffer, offset: number) => {
      for (const line of splitJsonLines(region, nextLineNo, offset)) pending.push(line);
      nextLineNo += countNewlines(region) + 1;
    };
    while (bytesRead < maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, maxBytes - bytesRead));
      const { bytesRead: n } = await handle.read(chunk, 0, chunk.length, null);
      if (n === 0) break;
      const data = chunk.subarray(0, n);
      bytesRead += n;
      const lastNewline = data.lastIndexOf(0x0a);
      if (lastNewline === -1) {
        carry.push(data);
        continue;
      }
      const joined = carry.length ? Buffer.concat([...carry, data]) : data;
      const end = joined.length - (n - lastNewline); // the last newline's position in `joined`
      take(joined.subarray(0, end), carryOffset);
      carryOffset += end + 1;
      carry = lastNewline + 1 < n ? [data.subarray(lastNewline + 1)] : [];
      let first = 0;
      for (; pending.length - first >= batchSize; first += batchSize)
        yield { lines: pending.slice(first, first + batchSize), bytesRead };
      pending = pending.slice(first);
    }
    if (carry.length) take(Buffer.concat(carry), carryOffset);
    for (let i = 0; i < pending.length; i += batchSize)
      yield { lines: pending.slice(i, i + batchSize), bytesRead };
  } finally {
    await handle.close();
  }
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}
