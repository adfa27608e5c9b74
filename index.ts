/**
 * Composition root and Functions entry point (package.json `main` → dist/index.js).
 * Importing a registration module registers its functions with `@azure/functions` (`app.*`) or
 * `durable-functions` (`df.app.*`); the worker — or the embedded local runtime — then indexes them.
 * Adapters that need configuration are built lazily, once, from the settings (shared/config).
 */
import { loadSettings } from './shared/config/config.js';
import { setPipelineEngineFactory } from './shared/pipeline/pipeline-engines.js';
import { buildPipelineEngines } from './shared/pipeline/compose.js';
import { DQ_RESULTS_AZURE_TABLE, dqStep } from './shared/pipeline/dq-step.js';
import { hostTableClient } from './shared/pipeline/host-tables.js';
import { resolvePseudonymizationKey, transformStep } from './shared/pipeline/transform-step.js';

import './functions/ingest-eventhub.js';
import './functions/ingest-http.js';
import './functions/maintenance-timers.js';
import './functions/pipeline-http.js';
import './functions/pipeline-timer.js';
import './functions/dq-docs-http.js';
import './orchestrations/batch-pipeline.orchestrator.js';
import './orchestrations/external-job-monitor.orchestrator.js';
import './orchestrations/activities/pipeline.activities.js';

setPipelineEngineFactory(() => {
  const settings = loadSettings();
  return buildPipelineEngines(settings, {
    transform: (lake, request) =>
      transformStep(
        lake,
        request,
        resolvePseudonymizationKey(settings.PSEUDONYMIZATION_KEY, settings.LAKE_URL),
        Date.now,
      ),
    dqGate: (lake, request) => dqStep(lake, request, hostTableClient(settings, DQ_RESULTS_AZURE_TABLE)),
  });
});
