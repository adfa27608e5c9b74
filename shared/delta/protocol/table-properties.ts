/**
 * Table properties (metaData.configuration) the library honours, with Spark's defaults.
 */
const DAY_MS = 86_400_000;

export interface TableProperties {
  checkpointInterval: number;
  deletedFileRetentionMs: number;
  logRetentionMs: number;
  appendOnly: boolean;
  indexedColumns: number;
  targetFileSize: number | undefined;
}

export function tableProperties(configuration: Record<string, string>): TableProperties {
  const interval = Number(configuration['delta.checkpointInterval'] ?? 10);
  const indexed = Number(configuration['delta.dataSkippingNumIndexedCols'] ?? 32);
  const target = configuration['delta.targetFileSize'];
  return {
    checkpointInterval: Number.isInteger(interval) && interval > 0 ? interval : 10,
    deletedFileRetentionMs: parseInterval(configuration['delta.deletedFileRetentionDuration']) ?? 7 * DAY_MS,
    logRetentionMs: parseInterval(configuration['delta.logRetentionDuration']) ?? 30 * DAY_MS,
    appendOnly: configuration['delta.appendOnly'] === 'true',
    indexedColumns: Number.isInteger(indexed) ? indexed : 32,
    targetFileSize: target !== undefined && Number(target) > 0 ? Number(target) : undefined,
  };
}

const UNITS: Record<string, number> = {
  microsecond: 0.001,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: DAY_MS,
  week: 7 * DAY_MS,
};

/** Parses Spark calendar intervals such as `interval 1 week`, `interval 30 days`, `168 hours`. */
export function parseInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parts = text
    .trim()
    .toLowerCase()
    .replace(/^interval\s+/, '')
    .split(/\s+/);
  let total = 0;
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const n = Number(parts[i]);
    const unit = (parts[i + 1] ?? '').replace(/s$/, '');
    const factor = UNITS[unit];
    if (!Number.isFinite(n) || factor === undefined) return undefined;
    total += n * factor;
  }
  return parts.length >= 2 ? total : undefined;
}
