/** Inputs and results exchanged between the batch orchestrator, its activities and its clients. */
import type { RunKind, StepName } from './names.js';

export interface PipelineInput {
  businessDate: string;
  kind: RunKind;
  /** Step engines chosen by configuration when the run was started (the orchestrator reads no settings). */
  engines: { load: 'local' | 'adf'; transform: 'local' | 'databricks' };
  trigger: string;
}

export type StepStatus = 'succeeded' | 'failed' | 'skipped';

export interface StepResult {
  step: StepName;
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  rowCounts?: Record<string, number>;
  tableVersions?: Record<string, number>;
  detail?: string;
  error?: string;
  externalRunUrl?: string;
}

export interface PipelineResult {
  instanceId: string;
  businessDate: string;
  kind: RunKind;
  status: 'succeeded' | 'failed';
  steps: StepResult[];
  startedAt: string;
  finishedAt: string;
  error?: string;
}

/** What a step activity returns. */
export interface StepOutcome {
  rowCounts?: Record<string, number>;
  tableVersions?: Record<string, number>;
  detail?: string;
  /** A step may fail "softly" (e.g. the DQ gate blocks publication) without throwing. */
  failed?: boolean;
  error?: string;
}

export type ExternalJobKind = 'adf' | 'databricks';

export interface ExternalJobRef {
  kind: ExternalJobKind;
  runId: string;
  url?: string;
}

export interface ExternalJobState {
  terminal: boolean;
  succeeded: boolean;
  state: string;
  message?: string;
  url?: string;
}

export interface MonitorInput {
  job: ExternalJobRef;
  deadline: string;
  firstPollSeconds: number;
  maxPollSeconds: number;
}

export interface MonitorResult {
  job: ExternalJobRef;
  outcome: 'succeeded' | 'failed' | 'timed-out';
  state: string;
  message?: string;
  polls: number;
}

export interface CustomStatus {
  step: StepName | 'done';
  stepIndex: number;
  steps: number;
  message: string;
}
