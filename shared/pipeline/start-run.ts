/**
 * Starting a pipeline run idempotently: the instance id is derived from the business date and the run
 * kind, so a second start for the same pair reports the existing run instead of running twice. A run
 * that failed or was terminated may be started again (that is what re-running a day means).
 */
import type * as df from 'durable-functions';
import { BATCH_PIPELINE, pipelineInstanceId } from '../../orchestrations/names.js';
import type { RunKind } from '../../orchestrations/names.js';
import type { PipelineInput, PipelineResult } from '../../orchestrations/pipeline-types.js';

export interface StartRunRequest {
  businessDate: string;
  kind: RunKind;
  engines: PipelineInput['engines'];
  trigger: string;
}

export type StartRunOutcome =
  | { kind: 'started'; instanceId: string; restarted: boolean }
  | { kind: 'existing'; instanceId: string; runtimeStatus: string };

const RESTARTABLE = new Set(['Failed', 'Terminated', 'Canceled']);

export async function startPipelineRun(
  client: df.DurableClient,
  request: StartRunRequest,
): Promise<StartRunOutcome> {
  const instanceId = pipelineInstanceId(request.businessDate, request.kind);
  const existing = await client.getStatus(instanceId).catch(() => undefined);
  const status = existing ? String(existing.runtimeStatus) : undefined;
  const output = existing?.output as PipelineResult | null | undefined;
  const failedRun = status === 'Completed' && output?.status === 'failed';
  if (existing && status !== undefined && !RESTARTABLE.has(status) && !failedRun) {
    return { kind: 'existing', instanceId, runtimeStatus: status };
  }
  const input: PipelineInput = {
    businessDate: request.businessDate,
    kind: request.kind,
    engines: request.engines,
    trigger: request.trigger,
  };
  await client.startNew(BATCH_PIPELINE, { instanceId, input });
  return { kind: 'started', instanceId, restarted: existing !== undefined };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD, validated as a real calendar date. */
export function parseBusinessDate(text: string): string | undefined {
  if (!DATE_RE.test(text)) return undefined;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? undefined : text;
}

/** The business day a nightly run processes: yesterday in UTC. */
export function defaultBusinessDate(nowMs: number): string {
  return new Date(nowMs - 86_400_000).toISOString().slice(0, 10);
}
