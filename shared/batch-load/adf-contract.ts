/**
 * The contract between the orchestrator's cloud batch-load step and the Data Factory pipeline in
 * infra/adf/batch-load.pipeline.json: pipeline name and parameter names. A test keeps the two equal.
 *
 * The pipeline copies the landing files byte for byte (Binary copy) from `landing/<source>/` to
 * `raw/<source>/<businessDate>/`, so the content hashes the loader records stay those of the files
 * the back office delivered.
 */
export const BATCH_LOAD_PIPELINE = 'batch-load';

export const BATCH_LOAD_PARAMETERS = {
  /** YYYY-MM-DD; the raw-zone folder the copy writes to. */
  businessDate: 'businessDate',
  /** Landing folder of one source system, e.g. `pos-backoffice`. */
  source: 'source',
  /** Unique per logical run (the orchestration instance id): lets a repeated start find the run it already created. */
  runKey: 'runKey',
} as const;

export interface BatchLoadRunInput {
  businessDate: string;
  source: string;
  runKey: string;
}

/** The createRun body for one batch load, plus the parameter the ADF client deduplicates on. */
export function batchLoadRunRequest(input: BatchLoadRunInput): {
  pipelineName: string;
  parameters: Record<string, string>;
  dedupeParameter: string;
} {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.businessDate))
    throw new Error(`businessDate must be YYYY-MM-DD, got ${input.businessDate}`);
  return {
    pipelineName: BATCH_LOAD_PIPELINE,
    parameters: {
      [BATCH_LOAD_PARAMETERS.businessDate]: input.businessDate,
      [BATCH_LOAD_PARAMETERS.source]: input.source,
      [BATCH_LOAD_PARAMETERS.runKey]: input.runKey,
    },
    dedupeParameter: BATCH_LOAD_PARAMETERS.runKey,
  };
}
