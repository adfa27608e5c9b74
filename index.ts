/**
 * Composition root and Functions entry point (package.json `main` → dist/index.js).
 * Importing a registration module registers its functions with `@azure/functions` (`app.*`) or
 * `durable-functions` (`df.app.*`); the worker — or the embedded local runtime — then indexes them.
 * Add one import line per registration module.
 */
import './functions/ingest-eventhub.js';
import './functions/ingest-http.js';
import './functions/maintenance-timers.js';
export {};
