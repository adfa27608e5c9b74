/**
 * The batch pipeline: (1) batch load, (2) transform (Silver/Gold), (3) data-quality gate, (4) publish.
 *
 * Deterministic by construction: time comes from `currentUtcDateTime`, engines were chosen when the run
 * was started (they are in the input), names and retry policies are constants, and all I/O happens in
 * activities. A failed step skips the later ones; the result lists every step with its status,
 * duration, row counts and table versions, and is written to the run ledger before the orchestration
 * completes. The instance id is derived from the business date and run kind (see names.ts).
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import {
  ACTIVITIES,
  ACTIVITY_RETRY,
  BATCH_PIPELINE,
  EXTERNAL_JOB_MONITOR,
  MONITOR_POLICY,
  STEPS,
} from './names.js';
import type { StepName } from './names.js';
import type {
  CustomStatus,
  ExternalJobRef,
  MonitorResult,
  PipelineInput,
  PipelineResult,
  StepOutcome,
  StepResult,
} from './pipeline-types.js';
import { retryOptions } from './retry.js';

type Gen<T> = Generator<df.Task, T, unknown>;

export function* batchPipeline(context: OrchestrationContext): Gen<PipelineResult> {
  const input = context.df.getInput<PipelineInput>();
  const instanceId = context.df.instanceId;
  const startedAt = context.df.currentUtcDateTime.toISOString();
  const steps: StepResult[] = [];
  let failure: string | undefined;
  for (const [index, step] of STEPS.entries()) {
    if (failure !== undefined) {
      steps.push({ step, status: 'skipped' });
      continue;
    }
    const status: CustomStatus = {
      step,
      stepIndex: index,
      steps: STEPS.length,
      message: `running ${step} (${index + 1}/${STEPS.length})`,
    };
    context.df.setCustomStatus(status);
    const started = context.df.currentUtcDateTime;
    let outcome: StepOutcome & { externalRunUrl?: string };
    try {
      outcome = yield* runStep(context, step, input, instanceId, steps);
    } catch (err) {
      outcome = { failed: true, error: errorMessage(err) };
    }
    const finished = context.df.currentUtcDateTime;
    steps.push({
      step,
      status: outcome.failed ? 'failed' : 'succeeded',
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      ...(outcome.rowCounts ? { rowCounts: outcome.rowCounts } : {}),
      ...(outcome.tableVersions ? { tableVersions: outcome.tableVersions } : {}),
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.externalRunUrl ? { externalRunUrl: outcome.externalRunUrl } : {}),
    });
    if (outcome.failed) failure = `${step} failed: ${outcome.error ?? 'unknown error'}`;
  }
  const result: PipelineResult = {
    instanceId,
    businessDate: input.businessDate,
    kind: input.kind,
    status: failure === undefined ? 'succeeded' : 'failed',
    steps,
    startedAt,
    finishedAt: context.df.currentUtcDateTime.toISOString(),
    ...(failure !== undefined ? { error: failure } : {}),
  };
  yield context.df.callActivityWithRetry(ACTIVITIES.recordRun, retryOptions(ACTIVITY_RETRY), {
    result,
    input,
  });
  const done: CustomStatus = {
    step: 'done',
    stepIndex: STEPS.length,
    steps: STEPS.length,
    message: result.status,
  };
  context.df.setCustomStatus(done);
  return result;
}

function* runStep(
  context: OrchestrationContext,
  step: StepName,
  input: PipelineInput,
  instanceId: string,
  done: readonly StepResult[],
): Gen<StepOutcome & { externalRunUrl?: string }> {
  const retry = retryOptions(ACTIVITY_RETRY);
  const request = { instanceId, businessDate: input.businessDate, kind: input.kind, previous: done };
  switch (step) {
    case 'load':
      if (input.engines.load === 'local')
        return (yield context.df.callActivityWithRetry(ACTIVITIES.loadLocal, retry, request)) as StepOutcome;
      {
        // ADF copies the landing zone to the raw zone; the copied files are then loaded into Bronze.
        const copied = yield* runExternal(context, ACTIVITIES.startAdfRun, request, `${instanceId}-load`);
        if (copied.failed) return copied;
        const loaded = (yield context.df.callActivityWithRetry(
          ACTIVITIES.loadRaw,
          retry,
          request,
        )) as StepOutcome;
        return {
          ...loaded,
          detail: `${copied.detail ?? ''}; ${loaded.detail ?? ''}`,
          ...(copied.externalRunUrl ? { externalRunUrl: copied.externalRunUrl } : {}),
        };
      }
    case 'transform':
      if (input.engines.transform === 'local')
        return (yield context.df.callActivityWithRetry(
          ACTIVITIES.transformLocal,
          retry,
          request,
        )) as StepOutcome;
      return yield* runExternal(context, ACTIVITIES.startDatabricksRun, request, `${instanceId}-transform`);
    case 'dq':
      return (yield context.df.callActivityWithRetry(ACTIVITIES.dqGate, retry, request)) as StepOutcome;
    case 'publish':
      return (yield context.df.callActivityWithRetry(ACTIVITIES.publish, retry, request)) as StepOutcome;
  }
}

/** Starts a remote run (idempotently, keyed by the instance id) and follows it with the monitor. */
function* runExternal(
  context: OrchestrationContext,
  startActivity: string,
  request: unknown,
  monitorId: string,
): Gen<StepOutcome & { externalRunUrl?: string }> {
  const job = (yield context.df.callActivityWithRetry(
    startActivity,
    retryOptions(ACTIVITY_RETRY),
    request,
  )) as ExternalJobRef;
  const deadline = new Date(
    context.df.currentUtcDateTime.getTime() + MONITOR_POLICY.deadlineMinutes * 60_000,
  ).toISOString();
  const monitored = (yield context.df.callSubOrchestrator(
    EXTERNAL_JOB_MONITOR,
    {
      job,
      deadline,
      firstPollSeconds: MONITOR_POLICY.firstPollSeconds,
      maxPollSeconds: MONITOR_POLICY.maxPollSeconds,
    },
    monitorId,
  )) as MonitorResult;
  const url = job.url ? { externalRunUrl: job.url } : {};
  if (monitored.outcome === 'succeeded')
    return {
      detail: `${job.kind} run ${job.runId} ${monitored.state} after ${monitored.polls} polls`,
      ...url,
    };
  return {
    failed: true,
    error: `${job.kind} run ${job.runId} ${monitored.outcome}: ${monitored.message ?? monitored.state}`,
    ...url,
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

df.app.orchestration(BATCH_PIPELINE, batchPipeline);
