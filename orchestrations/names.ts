/**
 * Names and policies of the batch orchestration, in one place: orchestrators and activities refer to
 * each other only through these constants, and retry policies are not scattered through the code.
 */
export const BATCH_PIPELINE = 'batch-pipeline';
export const EXTERNAL_JOB_MONITOR = 'external-job-monitor';

export const ACTIVITIES = {
  loadLocal: 'pipeline-load-local',
  loadRaw: 'pipeline-load-raw',
  startAdfRun: 'pipeline-start-adf-run',
  startDatabricksRun: 'pipeline-start-databricks-run',
  pollExternalJob: 'pipeline-poll-external-job',
  cancelExternalJob: 'pipeline-cancel-external-job',
  transformLocal: 'pipeline-transform-local',
  dqGate: 'pipeline-dq-gate',
  publish: 'pipeline-publish',
  recordRun: 'pipeline-record-run',
} as const;

/** Transient failures (storage throttling, 5xx) of an activity: 3 attempts, 5 s then 10 s. */
export const ACTIVITY_RETRY = { firstRetryIntervalMs: 5_000, maxAttempts: 3, backoffCoefficient: 2 };

/** Polling of long-running external jobs: start every 30 s, back off to 5 min, give up after 6 h. */
export const MONITOR_POLICY = { firstPollSeconds: 30, maxPollSeconds: 300, deadlineMinutes: 360 };

export type StepName = 'load' | 'transform' | 'dq' | 'publish';
export const STEPS: readonly StepName[] = ['load', 'transform', 'dq', 'publish'];

export type RunKind = 'nightly' | 'manual';

/** One pipeline run per business date and kind: a second start for the same pair finds this id. */
export function pipelineInstanceId(businessDate: string, kind: RunKind): string {
  return `batch-${kind}-${businessDate}`;
}
