/**
 * What a local load run reports: one outcome per landing file it listed (loaded, unchanged, loaded
 * concurrently or ignored with a reason) and one per table it opened, with the table version the run
 * left behind whether or not it committed.
 */
export type FileStatus =
  /** Loaded by this run. */
  | 'loaded'
  /** These exact bytes were loaded before. */
  | 'unchanged'
  /** A concurrent loader committed these exact bytes first. */
  | 'loaded_concurrently'
  /** Not a batch-load source (see `reason`). */
  | 'ignored';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  table?: string;
  contentVersion?: number;
  /** Rows this run wrote to the target table / to quarantine. */
  rows: number;
  quarantined: number;
  reason?: string;
}

export interface TableOutcome {
  table: string;
  rowsWritten: number;
  filesLoaded: number;
  /** The table version after the run: this run's commit, or the version it found unchanged. */
  version: number;
  /** True when this run committed a version. */
  committed: boolean;
}

export interface LocalLoadResult {
  loadedAtMicros: bigint;
  files: FileOutcome[];
  tables: Record<string, TableOutcome>;
}
