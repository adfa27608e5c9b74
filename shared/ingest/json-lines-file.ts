/**
 * A JSON Lines file read in two streaming passes, so a backfill of any size runs in bounded memory:
 * `fileDigest` hashes the content (the file's identity for exactly-once landing), then
 * `jsonLineBatches` reads the same content in chunks and yields batches of non-blank lines, numbered
 * and offset as in the whole content (what `splitJsonLines` gives for it read at once). A gzip file
 * (recognised by its magic bytes, whatever its name) is read decompressed: its content is the events,
 * so the same events gzipped or not, or gzipped at another level, are the same stream.
 *
 * A line that spans chunks is reassembled (its parts are concatenated once, when its end arrives, so
 * a very long line costs linear time). The batches' line views point into the chunk buffers, which
 * stay alive as long as the caller holds the batch.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { appendJsonLines, type JsonLine } from './json-lines.js';

export interface FileDigest {
  /** sha256 of the content (decompressed for gzip), hex. */
  sha256: string;
  /** Bytes of content (decompressed for gzip). */
  bytes: number;
  gzip: boolean;
  /** The file's size and modification time before it was read (to tell later whether it changed). */
  fileBytes: number;
  mtimeMs: number;
}

export async function fileDigest(path: string): Promise<FileDigest> {
  const { size: fileBytes, mtimeMs } = await stat(path);
  const gzip = await isGzip(path);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of contentChunks(path, gzip, 1 << 20)) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes, gzip, fileBytes, mtimeMs };
}

/** Whether the file still has the size and modification time it had when it was digested. */
export async function unchangedSince(path: string, digest: FileDigest): Promise<boolean> {
  const now = await stat(path);
  return now.size === digest.fileBytes && now.mtimeMs === digest.mtimeMs;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** The content's chunks, fresh buffers each (line views may keep them). */
async function* contentChunks(path: string, gzip: boolean, chunkBytes: number): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  try {
    if (!gzip) {
      yield* file as AsyncIterable<Buffer>;
      return;
    }
    const gunzip = createGunzip({ chunkSize: Math.max(64, Math.min(chunkBytes, 1 << 20)) });
    file.on('error', (err) => gunzip.destroy(err));
    try {
      yield* file.pipe(gunzip) as AsyncIterable<Buffer>;
    } catch (err) {
      if (!String((err as { code?: unknown }).code).startsWith('Z_')) throw err; // zlib's codes
      // A truncated or corrupt file fails here, in the digest pass, before anything lands.
      throw new Error(`${path} is not a readable gzip file: ${(err as Error).message}`, { cause: err });
    }
  } finally {
    file.destroy();
  }
}

export interface JsonLineBatch {
  lines: JsonLine[];
  /** Bytes of content read so far (progress). */
  bytesRead: number;
}

export interface JsonLineBatchOptions {
  batchSize: number;
  /** Read no further than this many bytes of content (what was hashed); default: to the end. */
  maxBytes?: number;
  /** Whether the file is gzip (as `fileDigest` found); default: read from its first bytes. */
  gzip?: boolean;
  chunkBytes?: number;
}

export async function* jsonLineBatches(
  path: string,
  options: JsonLineBatchOptions,
): AsyncGenerator<JsonLineBatch> {
  const { batchSize, maxBytes = Number.MAX_SAFE_INTEGER, chunkBytes = 8 << 20 } = options;
  let bytesRead = 0;
  let nextLineNo = 1;
  /** The unfinished last line: its parts and where it starts in the content. */
  let carry: Buffer[] = [];
  let carryOffset = 0;
  let pending: JsonLine[] = [];
  const take = (region: Buffer, offset: number) => {
    nextLineNo = appendJsonLines(pending, region, nextLineNo, offset);
  };
  const gzip = options.gzip ?? (await isGzip(path));
  for await (const chunk of contentChunks(path, gzip, chunkBytes)) {
    const data = chunk.length > maxBytes - bytesRead ? chunk.subarray(0, maxBytes - bytesRead) : chunk;
    const n = data.length;
    bytesRead += n;
    const lastNewline = data.lastIndexOf(0x0a);
    if (lastNewline === -1) carry.push(data);
    else {
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
    if (bytesRead >= maxBytes) break;
  }
  if (carry.length) take(Buffer.concat(carry), carryOffset);
  for (let i = 0; i < pending.length; i += batchSize)
    yield { lines: pending.slice(i, i + batchSize), bytesRead };
}
