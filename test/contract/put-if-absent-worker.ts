/**
 * One of N racing writers in the cross-process putIfAbsent test, run in its own Node process through
 * test/support/ts-hooks.mjs, so the race exercises the real `openStore` and backend code.
 *
 * Protocol over IPC: worker announces {type:'loaded'}; parent sends {type:'job'}; worker opens the
 * store and answers {type:'ready'}; parent sends {type:'go'} to every worker at once; worker answers
 * {type:'result', kind, payload}.
 */
import { openStore } from '../../shared/storage/store-from-url.js';
import type { ObjectStore } from '../../shared/delta/storage/object-store.js';

export interface WorkerJob {
  url: string;
  azureConnectionString?: string;
  key: string;
  payload: string;
}

export type ToWorker = { type: 'job'; job: WorkerJob } | { type: 'go' };
export type FromWorker =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'result'; kind: 'created' | 'exists'; payload: string }
  | { type: 'error'; message: string };

let store: ObjectStore | undefined;
let job: WorkerJob | undefined;

function send(message: FromWorker): void {
  process.send?.(message);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'job') {
    job = message.job;
    store = openStore(
      job.url,
      job.azureConnectionString === undefined ? {} : { azureConnectionString: job.azureConnectionString },
    );
    send({ type: 'ready' });
    return;
  }
  if (store === undefined || job === undefined) {
    send({ type: 'error', message: 'go before job' });
    return;
  }
  const { key, payload } = job;
  store.putIfAbsent(key, new TextEncoder().encode(payload)).then(
    (result) => {
      send({ type: 'result', kind: result.kind, payload });
      process.disconnect();
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      process.disconnect();
    },
  );
});

send({ type: 'loaded' });
