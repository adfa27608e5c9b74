/** Nightly pipeline run for yesterday's business date; schedule from PIPELINE_NIGHTLY_SCHEDULE. */
import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { loadSettings } from '../shared/config/config.js';
import { defaultBusinessDate, startPipelineRun } from '../shared/pipeline/start-run.js';

export async function nightlyHandler(
  _timer: Timer,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> {
  const settings = loadSettings();
  const outcome = await startPipelineRun(client, {
    businessDate: defaultBusinessDate(Date.now()),
    kind: 'nightly',
    engines: { load: settings.PIPELINE_LOAD_ENGINE, transform: settings.PIPELINE_TRANSFORM_ENGINE },
    trigger: 'timer',
  });
  context.log(
    outcome.kind === 'started'
      ? `started ${outcome.instanceId}`
      : `${outcome.instanceId} already ${outcome.runtimeStatus}`,
  );
}

df.app.client.timer('pipeline-nightly', {
  schedule: loadSettings().PIPELINE_NIGHTLY_SCHEDULE,
  handler: nightlyHandler,
});
