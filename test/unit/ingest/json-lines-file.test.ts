/**
 * The streaming reader of `lakehouse ingest` yields exactly the lines `splitJsonLines` finds in the
 * whole file — same numbers, offsets and bytes — whatever the chunk size (lines and CRLFs cut across
 * chunks, no final newline), gzipped or not, in batches of the requested size; and it reads no further
 * than asked. With maxLineBytes, exactly the lines too long to land are kept only in part: their first
 * maxLineBytes + 1 bytes, with fullBytes their length. Batches end by line count or by bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { splitJsonLines, type JsonLine } from '../../../shared/ingest/json-lines.js';
import { fileDigest, jsonLineBatches } from '../../../shared/ingest/json-lines-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const plain = (lines: { lineNo: number; byteOffset: number; bytes: Uint8Array }[]) =>
  lines.map((l) => ({
    lineNo: l.lineNo,
    byteOffset: l.byteOffset,
    bytes: Buffer.from(l.bytes).toString('hex'),
  }));

async function readAll(
  file: string,
  batchSize: number,
  chunkBytes: number,
  maxBytes?: number,
  maxLineBytes?: number,
  maxBatchBytes?: number,
) {
  const batches: number[] = [];
  const batchBytes: number[] = [];
  const lines: JsonLine[] = [];
  const options = { batchSize, chunkBytes, maxBytes, maxLineBytes, maxBatchBytes };
  for await (const batch of jsonLineBatches(file, options)) {
    batches.push(batch.lines.length);
    batchBytes.push(batch.lines.reduce((n, l) => n + l.bytes.length, 0));
    lines.push(...batch.lines);
  }
  return { batches, batchBytes, lines: plain(lines), raw: lines };
}

const BYTES = [0x61, 0x0a, 0x0a, 0x0d, 0x20, 0x09, 0xff, 0x7b, 0x7d];
let fileNo = 0;

describe('jsonLineBatches', () => {
  test('≡ splitJsonLines of the whole file, any chunk and batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...BYTES), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (bytes, chunkBytes, batchSize) => {
          const content = Buffer.from(bytes);
          const file = path.join(dir, `f${fileNo++}.jsonl`);
          fs.writeFileSync(file, content);
          const got = await readAll(file, batchSize, chunkBytes);
          expect(got.lines).toEqual(plain(splitJsonLines(content)));
          // The same content gzipped reads the same (decompressed chunks cut elsewhere).
          fs.writeFileSync(`${file}.gz`, gzipSync(content));
          expect((await readAll(`${file}.gz`, batchSize, chunkBytes)).lines).toEqual(got.lines);
          // Full batches, then the rest.
          expect(got.batches.slice(0, -1).every((n) => n === batchSize)).toBe(true);
          expect(got.batches.every((n) => n >= 1 && n <= batchSize)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('stops at maxBytes: the lines of the first maxBytes bytes, as if the file ended there', async () => {
    const content = Buffer.from('{"a":1}\r\n\n{"b":2}\n{"c":3}\n');
    const file = path.join(dir, 'max.jsonl');
    fs.writeFileSync(file, content);
    for (let max = 0; max <= content.length; max++) {
      const got = await readAll(file, 2, 4, max);
      expect(got.lines).toEqual(plain(splitJsonLines(content.subarray(0, max))));
    }
  });

  test('a line longer than many chunks, and the digest of the content', async () => {
    const long = `{"pad":"${'x'.repeat(100_000)}"}`;
    const content = Buffer.from(`{"a":1}\n${long}\n{"b":2}`);
    const file = path.join(dir, 'long.jsonl');
    fs.writeFileSync(file, content);
    const got = await readAll(file, 10, 1000);
    expect(got.lines.map((l) => [l.lineNo, l.byteOffset, Buffer.from(l.bytes, 'hex').length])).toEqual([
      [1, 0, 7],
      [2, 8, long.length],
      [3, 9 + long.length, 7],
    ]);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(await fileDigest(file)).toMatchObject({ sha256, bytes: content.length, gzip: false });
    // gzip: the digest is the content's, whatever the compression.
    fs.writeFileSync(`${file}.gz`, gzipSync(content, { level: 1 }));
    expect(await fileDigest(`${file}.gz`)).toMatchObject({ sha256, bytes: content.length, gzip: true });
    const gz = await readAll(`${file}.gz`, 10, 1000, 12);
    // A truncated gzip fails in the digest pass, before anything could land.
    fs.writeFileSync(`${file}.cut.gz`, gzipSync(content).subarray(0, 100));
    await expect(fileDigest(`${file}.cut.gz`)).rejects.toThrow(
      /is not a readable gzip file: unexpected end of file/,
    );
    // maxBytes counts content bytes: 12 = '{"a":1}\n' and the first 4 bytes of line 2.
    expect(gz.lines.map((l) => [l.lineNo, Buffer.from(l.bytes, 'hex').toString()])).toEqual([
      [1, '{"a":1}'],
      [2, '{"pa'],
    ]);
  });

  test('maxLineBytes: exactly the lines too long to land are cut, to their head; maxBatchBytes ends batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...BYTES, 0x61, 0x61, 0x61), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 60 }),
        async (bytes, chunkBytes, maxLineBytes, batchSize, maxBatchBytes) => {
          const content = Buffer.from(bytes);
          const file = path.join(dir, `m${fileNo++}.jsonl`);
          fs.writeFileSync(file, content);
          const whole = splitJsonLines(content);
          const read = await readAll(file, batchSize, chunkBytes, undefined, maxLineBytes, maxBatchBytes);
          const got = read.raw;
          // Every batch but the last is full by count or by bytes; none is over the count.
          read.batches.forEach((n, b) => {
            expect(n).toBeGreaterThanOrEqual(1);
            expect(n).toBeLessThanOrEqual(batchSize);
            if (b === read.batches.length - 1) return;
            expect(n === batchSize || (read.batchBytes[b] as number) >= maxBatchBytes).toBe(true);
            // Only its last line takes a batch to the byte bound or beyond.
            const last = got[read.batches.slice(0, b + 1).reduce((x, y) => x + y, 0) - 1] as JsonLine;
            expect((read.batchBytes[b] as number) - last.bytes.length).toBeLessThan(maxBatchBytes);
          });
          expect(got.map((l) => [l.lineNo, l.byteOffset])).toEqual(
            whole.map((l) => [l.lineNo, l.byteOffset]),
          );
          got.forEach((line, i) => {
            const full = Buffer.from((whole[i] as JsonLine).bytes);
            expect(line.fullBytes !== undefined).toBe(full.length > maxLineBytes + 1);
            if (line.fullBytes === undefined) expect(Buffer.from(line.bytes).equals(full)).toBe(true);
            else {
              expect(line.fullBytes).toBe(full.length);
              expect(Buffer.from(line.bytes).equals(full.subarray(0, maxLineBytes + 1))).toBe(true);
            }
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  test('maxLineBytes: a line of many chunks keeps its head only; a long blank line stays blank', async () => {
    const long = `[${'{"eventId":"e"},'.repeat(10_000)}{}]`;
    const content = Buffer.from(`{"a":1}\n${long}\r\n${' '.repeat(50_000)}\n{"b":2}`);
    const file = path.join(dir, 'cut.jsonl');
    fs.writeFileSync(file, content);
    const { raw } = await readAll(file, 10, 1000, undefined, 100);
    expect(raw.map((l) => [l.lineNo, l.byteOffset, l.bytes.length, l.fullBytes])).toEqual([
      [1, 0, 7, undefined],
      [2, 8, 101, long.length],
      [4, 8 + long.length + 2 + 50_001, 7, undefined],
    ]);
    expect(Buffer.from((raw[1] as JsonLine).bytes).toString()).toBe(long.slice(0, 101));
  });
});
