/**
 * Activities of the batch pipeline: each is a thin adapter over a port in shared/pipeline, with no
 * business logic of its own (so the orchestrator stays replayable and the steps testable).
 */
import * as df from 'durable-functions';
import { pipelineEngines } from '../../shared/pipeline/pipeline-engines.js';
import type { StepRequest } from '../../shared/pipeline/pipeline-engines.js';
import { ACTIVITIES } from '../names.js';
import type { ExternalJobRef, PipelineInput, PipelineResult } from '../pipeline-types.js';

df.app.activity(ACTIVITIES.loadLocal, { handler: (r: StepRequest) => pipelineEngines().loadLocal(r) });
df.app.activity(ACTIVITIES.loadRaw, { handler: (r: StepRequest) => pipelineEngines().loadRaw(r) });
df.app.activity(ACTIVITIES.startAdfRun, { handler: (r: StepRequest) => pipelineEngines().startAdfRun(r) });
df.app.activity(ACTIVITIES.startDatabricksRun, {
  handler: (r: StepRequest) => pipelineEngines().startDatabricksRun(r),
});
df.app.activity(ACTIVITIES.pollExternalJob, {
  handler: (job: ExternalJobRef) => pipelineEngines().pollExternalJob(job),
});
df.app.activity(ACTIVITIES.cancelExternalJob, {
  handler: (job: ExternalJobRef) => pipelineEngines().cancelExternalJob(job),
});
df.app.activity(ACTIVITIES.transformLocal, {
  handler: (r: StepRequest) => pipelineEngines().transformLocal(r),
});
df.app.activity(ACTIVITIES.dqGate, { handler: (r: StepRequest) => pipelineEngines().dqGate(r) });
df.app.activity(ACTIVITIES.publish, { handler: (r: StepRequest) => pipelineEngines().publish(r) });
df.app.activity(ACTIVITIES.recordRun, {
  handler: (e: { result: PipelineResult; input: PipelineInput }) => pipelineEngines().recordRun(e),
});
