/**
 * A JSON Lines file read in two streaming passes, so a backfill of any size runs in bounded memory:
 * `fileDigest` hashes the content (the file's identity for exactly-once landing), then
 * `jsonLineBatches` reads the same content in chunks and yields batches of non-blank lines, numbered
 * and offset as in the whole content (what `splitJsonLines` gives for it read at once). A gzip file
 * (recognised by its magic bytes, whatever its name) is read decompressed: its content is the events,
 * so the same events gzipped or not, or gzipped at another level, are the same stream.
 *
 * A line that spans chunks is reassembled (its parts are concatenated once, when its end arrives, so
 * a very long line costs linear time). With `maxLineBytes` (the event size limit), no more than the
 * first maxLineBytes + 1 bytes of any line are kept — the line is too large to land whatever follows —
 * and the line comes with `fullBytes`: a 4.5 GB file that is one JSON array on one line is quarantined
 * as one oversized body in bounded memory instead of exhausting it. A batch ends at `batchSize` lines or
 * once its lines hold `maxBatchBytes`, whichever comes first. The batches' line views point into the
 * chunk buffers (a cut line's head is a copy), which stay alive as long as the caller holds the batch.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { appendJsonLines, isBlank, type JsonLine } from './json-lines.js';

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
  /** Keep at most this many bytes + 1 of a line (see above); default: all. */
  maxLineBytes?: number;
  /** End a batch once its lines hold this many bytes (default 64 MiB). */
  maxBatchBytes?: number;
  chunkBytes?: number;
}

export async function* jsonLineBatches(
  path: string,
  options: JsonLineBatchOptions,
): AsyncGenerator<JsonLineBatch> {
  const { batchSize, maxBytes = Number.MAX_SAFE_INTEGER, chunkBytes = 8 << 20 } = options;
  const cap = options.maxLineBytes === undefined ? Infinity : options.maxLineBytes + 1;
  const maxBatchBytes = options.maxBatchBytes ?? 64 << 20;
  let bytesRead = 0;
  let nextLineNo = 1;
  /** The unfinished last line: the parts kept (at most `cap` bytes) and where it starts in the content. */
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let carryOffset = 0;
  /** Bytes of the unfinished line beyond `cap`, only counted; whether one of them is not whitespace. */
  let dropped = 0;
  let droppedNonBlank = false;
  let lastByte = -1;
  let pending: JsonLine[] = [];
  let pendingBytes = 0;
  const full = () => pending.length >= batchSize || pendingBytes >= maxBatchBytes;
  function* flush(): Generator<JsonLineBatch> {
    if (pending.length) yield { lines: pending, bytesRead };
    [pending, pendingBytes] = [[], 0];
  }
  /**
   * The lines of `region` into `pending`, yielding each batch as it fills: a chunk of tiny lines
   * (4 M two-byte lines in 8 MB) never becomes millions of line objects at once.
   */
  function* take(region: Buffer, offset: number): Generator<JsonLineBatch> {
    for (let at = 0; at <= region.length;) {
      if (full()) yield* flush();
      const before = pending.length;
      const next = appendJsonLines(pending, region.subarray(at), nextLineNo, offset + at, batchSize - before);
      nextLineNo = next.nextLineNo;
      at += next.rest;
      for (let i = before; i < pending.length; i++) {
        const line = pending[i] as JsonLine;
        if (line.bytes.length > cap)
          pending[i] = {
            ...line,
            bytes: Buffer.from(line.bytes.subarray(0, cap)),
            fullBytes: line.bytes.length,
          };
        pendingBytes += (pending[i] as JsonLine).bytes.length;
        if (pendingBytes >= maxBatchBytes && i + 1 < pending.length) {
          const rest = pending.splice(i + 1); // over the byte bound: they start the next batch
          yield* flush();
          pending = rest;
          i = -1;
        }
      }
    }
  }
  const extend = (part: Buffer) => {
    const room = cap - carryBytes;
    if (part.length <= room) {
      if (part.length) carry.push(part);
      carryBytes += part.length;
    } else {
      if (room > 0) carry.push(Buffer.from(part.subarray(0, room))); // a copy: the chunk can go
      carryBytes += Math.max(room, 0);
      const rest = part.subarray(Math.max(room, 0));
      dropped += rest.length;
      droppedNonBlank ||= !isBlank(rest);
    }
    if (part.length) lastByte = part[part.length - 1] as number;
  };
  /** Ends the unfinished line, cut at `cap`, at a newline (or the end of the content). */
  const closeCutLine = () => {
    const head = Buffer.concat(carry);
    const fullBytes = carryBytes + dropped - (lastByte === 0x0d ? 1 : 0); // a trailing CR is not content
    const line: JsonLine =
      fullBytes <= cap // only the trailing CR was dropped: the line is whole
        ? { lineNo: nextLineNo, byteOffset: carryOffset, bytes: head.subarray(0, fullBytes) }
        : { lineNo: nextLineNo, byteOffset: carryOffset, bytes: head, fullBytes };
    if (droppedNonBlank || !isBlank(line.bytes)) {
      pending.push(line);
      pendingBytes += line.bytes.length;
    }
    nextLineNo++;
    carryOffset += carryBytes + dropped + 1;
    [carry, carryBytes, dropped, droppedNonBlank, lastByte] = [[], 0, 0, false, -1];
  };
  const gzip = options.gzip ?? (await isGzip(path));
  for await (const chunk of contentChunks(path, gzip, chunkBytes)) {
    const data = chunk.length > maxBytes - bytesRead ? chunk.subarray(0, maxBytes - bytesRead) : chunk;
    const n = data.length;
    bytesRead += n;
    const lastNewline = data.lastIndexOf(0x0a);
    if (lastNewline === -1) extend(data);
    else {
      let from = 0; // where this chunk's complete lines start
      if (dropped > 0) {
        const first = data.indexOf(0x0a);
        extend(data.subarray(0, first));
        closeCutLine();
        from = first + 1;
      }
      if (from <= lastNewline) {
        const region = data.subarray(from, lastNewline);
        const joined = carry.length ? Buffer.concat([...carry, region]) : region;
        yield* take(joined, carryOffset);
        carryOffset += joined.length + 1;
      }
      [carry, carryBytes, lastByte] = [[], 0, -1];
      extend(data.subarray(lastNewline + 1));
      if (full()) yield* flush();
    }
    if (bytesRead >= maxBytes) break;
  }
  if (dropped > 0) closeCutLine();
  else if (carry.length) yield* take(Buffer.concat(carry), carryOffset);
  yield* flush();
}
