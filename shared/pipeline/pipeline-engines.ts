/**
 * The ports behind the batch pipeline's activities. Activities are one-line adapters over these; the
 * composition root (shared/pipeline/compose.ts) builds them from configuration — local loader or ADF,
 * DuckDB transform or Databricks — and tests substitute their own.
 */
import type {
  ExternalJobRef,
  ExternalJobState,
  PipelineInput,
  PipelineResult,
  StepOutcome,
  StepResult,
} from '../../orchestrations/pipeline-types.js';

export interface StepRequest {
  instanceId: string;
  businessDate: string;
  kind: PipelineInput['kind'];
  /** Results of the steps that already ran (for the versions they produced). */
  previous: StepResult[];
}

export interface PipelineEngines {
  loadLocal(request: StepRequest): Promise<StepOutcome>;
  /** After an ADF copy: loads the raw zone's files of the run into Bronze. */
  loadRaw(request: StepRequest): Promise<StepOutcome>;
  startAdfRun(request: StepRequest): Promise<ExternalJobRef>;
  startDatabricksRun(request: StepRequest): Promise<ExternalJobRef>;
  pollExternalJob(job: ExternalJobRef): Promise<ExternalJobState>;
  cancelExternalJob(job: ExternalJobRef): Promise<void>;
  transformLocal(request: StepRequest): Promise<StepOutcome>;
  dqGate(request: StepRequest): Promise<StepOutcome>;
  publish(request: StepRequest): Promise<StepOutcome>;
  recordRun(entry: { result: PipelineResult; input: PipelineInput }): Promise<void>;
}

let engines: PipelineEngines | undefined;
let factory: (() => PipelineEngines) | undefined;

/** The process-wide engines, built on first use by the registered factory. */
export function pipelineEngines(): PipelineEngines {
  if (!engines) {
    if (!factory)
      throw new Error(
        'pipeline engines are not configured (call setPipelineEngineFactory in the composition root)',
      );
    engines = factory();
  }
  return engines;
}

export function setPipelineEngineFactory(next: () => PipelineEngines): void {
  factory = next;
  engines = undefined;
}

/** Replaces the engines (tests, the local runtime). */
export function setPipelineEngines(next: PipelineEngines | undefined): void {
  engines = next;
}
