/**
 * One landing file → rows for its table and quarantine rows, decided row by row.
 *
 * Invariant: every data record of the file ends in exactly one of the two outputs (a bad header
 * sends every record to quarantine), so `rows.length + rejected.length` equals the number of data
 * records. Parsing is pure: the same bytes, path and load time give the same output.
 */
import type { BatchRejection } from './batch-reason-codes.js';
import { parseCsvRecords, type CsvRecord } from './csv-records.js';
import { epochDay, parseCell } from './csv-values.js';
import type { LandingFile } from './source-formats.js';

export interface QuarantineRow {
  source_file: string;
  line_number: bigint;
  target_table: string;
  reason_code: string;
  reason: string;
  raw_line: string;
  loaded_at: bigint;
}

export interface ParsedSourceFile {
  /** Rows in the value model of the target table's schema, lineage included. */
  rows: Record<string, unknown>[];
  rejected: QuarantineRow[];
}

export function parseSourceFile(
  file: LandingFile,
  bytes: Uint8Array,
  loadedAtMicros: bigint,
): ParsedSourceFile {
  const { text, validUtf8 } = decode(bytes);
  const records = parseCsvRecords(text);
  const out: ParsedSourceFile = { rows: [], rejected: [] };
  const quarantine = (record: CsvRecord, reasons: readonly BatchRejection[]) => {
    const first = reasons[0] ?? { code: 'malformed_csv', message: 'rejected' };
    out.rejected.push({
      source_file: file.path,
      line_number: BigInt(record.line),
      target_table: file.format.table,
      reason_code: first.code,
      reason: reasons.map((r) => r.message).join('; '),
      raw_line: record.raw,
      loaded_at: loadedAtMicros,
    });
  };
  const [header, ...data] = records;
  const headerProblem = header === undefined ? 'the file is empty' : checkHeader(file, header);
  if (headerProblem !== undefined || header === undefined || !header.ok) {
    const reason: BatchRejection = { code: 'header_invalid', message: headerProblem ?? 'bad header' };
    if (data.length === 0) quarantine(header ?? { ok: false, line: 1, error: '', raw: '' }, [reason]);
    for (const record of data) quarantine(record, [reason]);
    return out;
  }
  const position = new Map(header.fields.map((name, i) => [name, i]));
  const seenKeys = new Set<string>();
  const expectedDay = file.businessDate === undefined ? undefined : epochDay(file.businessDate);
  for (const record of data) {
    if (!validUtf8 && record.raw.includes('\uFFFD')) {
      quarantine(record, [
        { code: 'invalid_encoding', message: 'the record holds bytes that are not valid UTF-8' },
      ]);
      continue;
    }
    if (!record.ok) {
      quarantine(record, [{ code: 'malformed_csv', message: record.error }]);
      continue;
    }
    if (record.raw === '') {
      quarantine(record, [{ code: 'empty_record', message: 'blank line' }]);
      continue;
    }
    if (record.fields.length !== header.fields.length) {
      quarantine(record, [
        {
          code: 'field_count',
          message: `${record.fields.length} fields, the header has ${header.fields.length}`,
        },
      ]);
      continue;
    }
    const values: Record<string, unknown> = {};
    const reasons: BatchRejection[] = [];
    for (const column of file.format.columns) {
      const text = record.fields[position.get(column.name) ?? -1] ?? '';
      if (text === '') {
        if (!column.nullable) reasons.push({ code: 'missing_value', message: `${column.name} is required` });
        values[column.name] = null;
        continue;
      }
      const cell = parseCell(column.name, column.type, text);
      if (!cell.ok) {
        reasons.push(cell.rejection);
        continue;
      }
      const ruleProblem = file.format.rules[column.name]?.(cell.value, text);
      if (ruleProblem) reasons.push(ruleProblem);
      values[column.name] = cell.value;
    }
    if (reasons.length === 0 && expectedDay !== undefined && values['business_date'] !== expectedDay) {
      reasons.push({
        code: 'date_mismatch',
        message: `business_date differs from the file's date ${file.businessDate ?? ''}`,
      });
    }
    if (reasons.length === 0) {
      const key = JSON.stringify(file.format.key.map((k) => String(values[k])));
      if (seenKeys.has(key))
        reasons.push({
          code: 'duplicate_key',
          message: `key (${file.format.key.join(', ')}) already seen earlier in the file`,
        });
      seenKeys.add(key);
    }
    if (reasons.length > 0) {
      quarantine(record, reasons);
      continue;
    }
    values['source_file'] = file.path;
    values['loaded_at'] = loadedAtMicros;
    out.rows.push(values);
  }
  return out;
}

function checkHeader(file: LandingFile, header: CsvRecord): string | undefined {
  if (!header.ok) return `header is not valid CSV: ${header.error}`;
  const expected = file.format.columns.map((c) => c.name);
  const names = header.fields;
  const duplicate = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = expected.filter((n) => !names.includes(n));
  const unexpected = names.filter((n) => !expected.includes(n));
  if (duplicate.length + missing.length + unexpected.length === 0) return undefined;
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unexpected.length ? `unexpected ${unexpected.map((n) => JSON.stringify(n)).join(', ')}` : '',
    duplicate.length ? `duplicate ${duplicate.join(', ')}` : '',
  ].filter(Boolean);
  return `header must be ${expected.join(',')}: ${parts.join('; ')}`;
}

function decode(bytes: Uint8Array): { text: string; validUtf8: boolean } {
  let text: string;
  let validUtf8 = true;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    validUtf8 = false;
    text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  }
  return { text, validUtf8 };
}
