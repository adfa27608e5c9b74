/**
 * The ADF REST bodies the client reads, checked against their documented shape before use, and their
 * mapping to the client's run and activity types. A 2xx body of another shape becomes a
 * RemoteServiceError(InvalidResponse), never a partly filled run; optional fields that come back
 * absent, null or empty are left out of the mapped value. An ARM error body yields the service's
 * code and message for the error the HTTP layer raises.
 */
import { z } from 'zod';
import { parseResponse } from './remote-service-error.js';

export type AdfRunStatus = 'Queued' | 'InProgress' | 'Succeeded' | 'Failed' | 'Canceling' | 'Cancelled';

export interface AdfPipelineRun {
  runId: string;
  pipelineName: string;
  status: AdfRunStatus;
  message: string;
  parameters: Record<string, string>;
  runStart?: string;
  runEnd?: string;
  durationInMs?: number;
  lastUpdated?: string;
}

export interface AdfActivityRun {
  activityName: string;
  activityType: string;
  status: string;
  activityRunStart?: string;
  activityRunEnd?: string;
  error?: { errorCode?: string; message?: string; failureType?: string; target?: string };
}

export const CreateRunResponse = z.object({ runId: z.string().min(1) });

export const PipelineRunShape = z.object({
  runId: z.string().min(1),
  pipelineName: z.string().optional(),
  status: z.enum(['Queued', 'InProgress', 'Succeeded', 'Failed', 'Canceling', 'Cancelled']),
  message: z.string().nullish(),
  parameters: z.record(z.string(), z.string()).nullish(),
  runStart: z.string().nullish(),
  runEnd: z.string().nullish(),
  durationInMs: z.number().nullish(),
  lastUpdated: z.string().nullish(),
});

export const PipelineRunsPage = z.object({
  value: z.array(PipelineRunShape),
  continuationToken: z.string().nullish(),
});

const ActivityRunShape = z.object({
  activityName: z.string(),
  activityType: z.string().optional(),
  status: z.string(),
  activityRunStart: z.string().nullish(),
  activityRunEnd: z.string().nullish(),
  error: z
    .object({
      errorCode: z.string().nullish(),
      message: z.string().nullish(),
      failureType: z.string().nullish(),
      target: z.string().nullish(),
    })
    .nullish(),
});

export const ActivityRunsPage = z.object({
  value: z.array(ActivityRunShape),
  continuationToken: z.string().nullish(),
});

export function toRun(r: z.infer<typeof PipelineRunShape>): AdfPipelineRun {
  return {
    runId: r.runId,
    pipelineName: r.pipelineName ?? '',
    status: r.status,
    message: r.message ?? '',
    parameters: r.parameters ?? {},
    ...(r.runStart ? { runStart: r.runStart } : {}),
    ...(r.runEnd ? { runEnd: r.runEnd } : {}),
    ...(typeof r.durationInMs === 'number' ? { durationInMs: r.durationInMs } : {}),
    ...(r.lastUpdated ? { lastUpdated: r.lastUpdated } : {}),
  };
}

export function toActivity(a: z.infer<typeof ActivityRunShape>): AdfActivityRun {
  const e = a.error;
  const error =
    e && (e.errorCode || e.message)
      ? {
          ...(e.errorCode ? { errorCode: e.errorCode } : {}),
          ...(e.message ? { message: e.message } : {}),
          ...(e.failureType ? { failureType: e.failureType } : {}),
          ...(e.target ? { target: e.target } : {}),
        }
      : undefined;
  return {
    activityName: a.activityName,
    activityType: a.activityType ?? '',
    status: a.status,
    ...(a.activityRunStart ? { activityRunStart: a.activityRunStart } : {}),
    ...(a.activityRunEnd ? { activityRunEnd: a.activityRunEnd } : {}),
    ...(error ? { error } : {}),
  };
}

/** ARM error bodies: `{ "error": { "code", "message" } }`. */
export function describeArmError(body: unknown): { code?: string; message?: string } {
  const parsed = z
    .object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) })
    .safeParse(body);
  if (parsed.success)
    return {
      ...(parsed.data.error.code ? { code: parsed.data.error.code } : {}),
      ...(parsed.data.error.message ? { message: parsed.data.error.message } : {}),
    };
  return typeof body === 'string' && body ? { message: body.slice(0, 300) } : {};
}

export function parse<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
  return parseResponse('adf', schema, body, operation);
}
