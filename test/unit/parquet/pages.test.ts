import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyUncompress } from 'hyparquet';
import type { ArrayType, StructType } from '../../../shared/delta/protocol/schema.js';
import { field, struct } from '../../../shared/delta/protocol/schema.js';
import { writeParquet } from '../../../shared/delta/parquet/parquet-writer.js';
import {
  Duck,
  hyMetadata,
  hyRows,
  pageLevels,
  readFooter,
  readPages,
  type RawPage,
  type ThriftStruct,
} from './parquet-test-helpers.js';

const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;
const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;

type ChunkMeta = NonNullable<
  ReturnType<typeof hyMetadata>['row_groups'][number]['columns'][number]['meta_data']
>;

function chunk(bytes: Uint8Array, path: string, rowGroup = 0): ChunkMeta {
  const m = hyMetadata(bytes).row_groups[rowGroup]?.columns.find(
    (c) => c.meta_data?.path_in_schema.join('.') === path,
  )?.meta_data;
  if (!m) throw new Error(`no column ${path}`);
  return m;
}

function pagesOf(bytes: Uint8Array, m: ChunkMeta): RawPage[] {
  const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
  return readPages(bytes, start, Number(m.total_compressed_size));
}

function pageBody(bytes: Uint8Array, page: RawPage, snappy: boolean): Uint8Array {
  const start = page.offset + page.headerLength;
  const raw = bytes.subarray(start, start + page.compressedSize);
  if (!snappy) return raw;
  const out = new Uint8Array(page.uncompressedSize);
  snappyUncompress(raw, out);
  return out;
}

describe('writeParquet: pages', () => {
  const n = 200_000;
  const schema: StructType = struct(
    field('id', 'long', false),
    field('store', 'string', false),
    field('uuid', 'string'),
    field('payload', 'string', false),
  );
  const ids = Array.from({ length: n }, (_, i) => BigInt(i));
  const stores = Array.from({ length: n }, (_, i) => `S${String(i % 50).padStart(4, '0')}`);
  const uuids = Array.from({ length: n }, (_, i) =>
    i % 10 === 0
      ? null
      : `${i.toString(16).padStart(8, '0')}-0000-4000-8000-${(i * 7919).toString(16).padStart(12, '0')}`,
  );
  const payloads = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ i, note: 'lorem ipsum dolor sit amet '.repeat(3), k: i % 97 }),
  );
  const bytes = writeParquet(schema, [ids, stores, uuids, payloads], { rowGroupRows: 150_000 });
  let duck: Duck;
  let path: string;
  beforeAll(async () => {
    duck = await Duck.open();
    path = duck.file(bytes);
  });
  afterAll(() => duck.close());

  it('writes only DATA_PAGE (v1) data pages, RLE levels, and a leading dictionary page when dictionary encoded', () => {
    for (const rg of [0, 1]) {
      for (const col of ['id', 'store', 'uuid', 'payload']) {
        const m = chunk(bytes, col, rg);
        const pages = pagesOf(bytes, m);
        expect(pages.some((p) => p.type === DATA_PAGE_V2)).toBe(false);
        const data = pages.filter((p) => p.type === DATA_PAGE);
        expect(data.length).toBeGreaterThan(0);
        for (const p of data) {
          expect(p.header.get(3)).toBe(RLE); // definition_level_encoding
          expect(p.header.get(4)).toBe(RLE); // repetition_level_encoding
        }
        const dict = pages.filter((p) => p.type === DICTIONARY_PAGE);
        if (col === 'store') {
          expect(dict).toHaveLength(1);
          expect(pages[0]?.type).toBe(DICTIONARY_PAGE);
          expect(pages[0]?.offset).toBe(Number(m.dictionary_page_offset));
          expect(dict[0]?.encoding).toBe(PLAIN);
          expect(dict[0]?.numValues).toBe(50);
          expect(data.every((p) => p.encoding === RLE_DICTIONARY)).toBe(true);
          expect(m.encodings).toEqual(['PLAIN', 'RLE', 'RLE_DICTIONARY']);
          expect(m.encoding_stats).toEqual([
            { page_type: 'DICTIONARY_PAGE', encoding: 'PLAIN', count: 1 },
            { page_type: 'DATA_PAGE', encoding: 'RLE_DICTIONARY', count: data.length },
          ]);
        } else {
          // ids and uuids are unique, payloads too: the dictionary does not pay off.
          expect(dict).toHaveLength(0);
          expect(m.dictionary_page_offset).toBeUndefined();
          expect(data.every((p) => p.encoding === PLAIN)).toBe(true);
          expect(m.encoding_stats).toEqual([
            { page_type: 'DATA_PAGE', encoding: 'PLAIN', count: data.length },
          ]);
        }
        expect(pages.filter((p) => p.type === DATA_PAGE)[0]?.offset).toBe(Number(m.data_page_offset));
        expect(data.reduce((s, p) => s + p.numValues, 0)).toBe(rg === 0 ? 150_000 : 50_000);
        expect(m.num_values).toBe(BigInt(rg === 0 ? 150_000 : 50_000));
        expect(m.codec).toBe('SNAPPY');
      }
    }
  });

  it('cuts pages at about 1 MiB of values', () => {
    const m = chunk(bytes, 'payload');
    const data = pagesOf(bytes, m).filter((p) => p.type === DATA_PAGE);
    expect(data.length).toBeGreaterThan(5);
    for (const p of data.slice(0, -1)) {
      // the estimate is the values' size; one value (~110 bytes here) may overshoot it
      expect(p.uncompressedSize).toBeGreaterThan(0.95 * (1 << 20));
      expect(p.uncompressedSize).toBeLessThan((1 << 20) + 1024);
    }
    const ids = pagesOf(bytes, chunk(bytes, 'id')).filter((p) => p.type === DATA_PAGE);
    expect(ids.map((p) => p.numValues)).toEqual([131072, 150_000 - 131072]);
  });

  it('row groups: sizes, offsets and ordinals add up', () => {
    const meta = hyMetadata(bytes);
    expect(meta.row_groups.map((r) => r.num_rows)).toEqual([150_000n, 50_000n]);
    const raw = readFooter(bytes);
    const rgs = raw.get(4) as ThriftStruct[];
    expect(rgs.map((r) => r.get(7))).toEqual([0, 1]); // ordinal
    let expectedOffset = 4;
    for (const rg of rgs) {
      const cols = rg.get(1) as ThriftStruct[];
      const firstMeta = (cols[0] as ThriftStruct).get(3) as ThriftStruct;
      expect(Number(rg.get(5))).toBe(expectedOffset); // file_offset
      expect(Number(firstMeta.get(9))).toBe(expectedOffset); // data_page_offset of the first column
      const compressed = cols.reduce((s, c) => s + Number((c.get(3) as ThriftStruct).get(7)), 0);
      const uncompressed = cols.reduce((s, c) => s + Number((c.get(3) as ThriftStruct).get(6)), 0);
      expect(Number(rg.get(6))).toBe(compressed); // total_compressed_size
      expect(Number(rg.get(2))).toBe(uncompressed); // total_byte_size
      expectedOffset += compressed;
    }
    // The footer follows the last column chunk directly.
    const footerLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    expect(bytes.length - 8 - footerLen).toBe(expectedOffset);
    expect(raw.get(1)).toBe(1); // version
    expect((raw.get(7) as ThriftStruct[]).length).toBe(4); // one ColumnOrder per leaf
  });

  it('both readers return every row', async () => {
    const r = await duck.rows(`
      SELECT count(*)::INTEGER AS n, count(uuid)::INTEGER AS u, count(DISTINCT store)::INTEGER AS s,
             sum(id)::VARCHAR AS ids, sum(length(payload))::BIGINT::VARCHAR AS len
      FROM read_parquet('${path}')`);
    expect(r[0]).toEqual({
      n: n,
      u: n - n / 10,
      s: 50,
      ids: String((n * (n - 1)) / 2),
      len: String(payloads.reduce((s, p) => s + p.length, 0)),
    });
    const rows = await hyRows(bytes);
    expect(rows).toHaveLength(n);
    expect(rows[123_456]).toEqual({
      id: 123_456n,
      store: stores[123_456],
      uuid: uuids[123_456],
      payload: payloads[123_456],
    });
    expect(rows[150_000]?.['uuid']).toBeNull();
  });

  it('repeated columns: every page starts at a record boundary (repetition level 0)', async () => {
    const arr: ArrayType = { type: 'array', elementType: 'string', containsNull: true };
    const s: StructType = struct(field('k', 'integer', false), field('tags', arr));
    const rows = 60_000;
    const tags = Array.from({ length: rows }, (_, i) =>
      i % 7 === 0
        ? null
        : Array.from({ length: i % 5 }, (_, j) => (j === 2 ? null : `tag-${i}-${j}-${'v'.repeat(40)}`)),
    );
    const b = writeParquet(s, [Array.from({ length: rows }, (_, i) => i), tags], { dictionary: false });
    const m = chunk(b, 'tags.list.element');
    const pages = pagesOf(b, m).filter((p) => p.type === DATA_PAGE);
    expect(pages.length).toBeGreaterThan(4);
    let levels = 0;
    for (const p of pages) {
      const { rep, def } = pageLevels(pageBody(b, p, true), p.numValues, 1, 3);
      expect(rep[0]).toBe(0);
      expect(def.every((d) => d >= 0 && d <= 3)).toBe(true);
      levels += p.numValues;
    }
    expect(levels).toBe(Number(m.num_values));
    const d = await duck.rows(
      `SELECT count(*)::INTEGER AS n, sum(len(tags))::INTEGER AS elems, count(tags)::INTEGER AS nn FROM read_parquet('${duck.file(b)}')`,
    );
    const elems = tags.reduce((acc, t) => acc + (t ? t.length : 0), 0);
    expect(d[0]).toEqual({ n: rows, elems, nn: tags.filter((t) => t !== null).length });
    const back = await hyRows(b);
    expect(back.map((r) => r['tags'])).toEqual(tags);
  });

  it("compression 'none' writes UNCOMPRESSED chunks with equal sizes", async () => {
    const b = writeParquet(
      schema,
      [ids.slice(0, 1000), stores.slice(0, 1000), uuids.slice(0, 1000), payloads.slice(0, 1000)],
      {
        compression: 'none',
      },
    );
    const m = chunk(b, 'payload');
    expect(m.codec).toBe('UNCOMPRESSED');
    for (const p of pagesOf(b, m)) expect(p.compressedSize).toBe(p.uncompressedSize);
    expect(m.total_compressed_size).toBe(m.total_uncompressed_size);
    const rows = await duck.rows(
      `SELECT count(*)::INTEGER AS n, max(id)::INTEGER AS m FROM read_parquet('${duck.file(b)}')`,
    );
    expect(rows[0]).toEqual({ n: 1000, m: 999 });
  });

  it('dictionary: used for low-cardinality strings, abandoned when too big, disabled by option', () => {
    const s: StructType = struct(field('v', 'string', false));
    const low = Array.from({ length: 50_000 }, (_, i) => `value-${i % 300}`);
    expect(chunk(writeParquet(s, [low]), 'v').encodings).toContain('RLE_DICTIONARY');
    expect(chunk(writeParquet(s, [low], { dictionary: false }), 'v').encodings).toEqual(['PLAIN', 'RLE']);
    // Repeats enough to pass the early probe, but the distinct values exceed the 1 MiB dictionary.
    const big = Array.from({ length: 60_000 }, (_, i) => `${'w'.repeat(100)}-${Math.floor(i / 2)}`);
    const m = chunk(writeParquet(s, [big]), 'v');
    expect(m.encodings).toEqual(['PLAIN', 'RLE']);
    expect(m.dictionary_page_offset).toBeUndefined();
  });

  it('dictionary probe: long unique-looking values are dropped after 1024, short ones and repeats kept', () => {
    const s: StructType = struct(field('v', 'string', false));
    const encodings = (values: string[]) => chunk(writeParquet(s, [values]), 'v').encodings;
    // 1024 distinct 36-character ids, then one repeated value: a dictionary would pay off over the
    // whole chunk, but the first 1024 look like ids of a column too big for one dictionary page.
    const ids = Array.from({ length: 1024 }, (_, i) => `id-${String(i).padStart(33, '0')}`);
    const repeated = Array.from({ length: 20_000 }, () => 'id-repeated-value-of-36-characters-');
    expect(encodings([...ids, ...repeated])).toEqual(['PLAIN', 'RLE']);
    // The same shape with 16-character values (under the early rule's length) keeps its dictionary,
    // and so do long values that repeat early (2 000 distinct: ~20 % repeats among the first 1024).
    const short = ids.map((v) => v.slice(-16));
    expect(encodings([...short, ...repeated.map((v) => v.slice(-16))])).toContain('RLE_DICTIONARY');
    let seed = 7;
    const pick = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % 2000;
    const drawn = Array.from({ length: 50_000 }, () => `id-${String(pick()).padStart(33, '0')}`);
    expect(encodings(drawn)).toContain('RLE_DICTIONARY');
  });

  it('dictionary-encoded columns with nulls and wide indices read back exactly', async () => {
    const s: StructType = struct(field('sku', 'string'), field('b', 'binary'));
    const n = 100_000;
    // ~20k distinct values drawn at random (15-bit indices); every 7th value null
    let seed = 1;
    const pick = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % 20_000;
    };
    const sku = Array.from({ length: n }, (_, i) =>
      i % 7 === 0 ? null : `SKU-${String(pick()).padStart(6, '0')}`,
    );
    const bin = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : Uint8Array.of(i % 3, 255)));
    const b = writeParquet(s, [sku, bin]);
    expect(chunk(b, 'sku').encodings).toContain('RLE_DICTIONARY');
    const dictPage = pagesOf(b, chunk(b, 'sku')).find((p) => p.type === DICTIONARY_PAGE);
    expect(dictPage?.numValues).toBeGreaterThan(1 << 14);
    expect(chunk(b, 'b').encodings).toContain('RLE_DICTIONARY');
    const back = await hyRows(b);
    expect(back.map((r) => r['sku'])).toEqual(sku);
    expect(back.map((r) => (r['b'] instanceof Uint8Array ? [...r['b']] : r['b']))).toEqual(
      bin.map((v) => (v ? [...v] : null)),
    );
    const d = await duck.rows(
      `SELECT count(sku)::INTEGER AS n, count(DISTINCT sku)::INTEGER AS k, max(sku) AS mx, count(b)::INTEGER AS nb, count(DISTINCT b)::INTEGER AS kb FROM read_parquet('${duck.file(b)}')`,
    );
    const nonNull = sku.filter((x): x is string => x !== null);
    expect(d[0]).toEqual({
      n: nonNull.length,
      k: new Set(nonNull).size,
      mx: nonNull.reduce((a, x) => (x > a ? x : a)),
      nb: bin.filter((x) => x !== null).length,
      kb: 3,
    });
  });
});
