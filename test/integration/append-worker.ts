/**
 * Child process for the cross-process concurrency test: appends `batches` batches of rows with ids
 * `writer*1000 + i` to the table at argv[2], each batch one commit, and reports the committed versions
 * over IPC. Uses the real library code (transpiled on the fly by test/support/ts-hooks.mjs).
 */
import { openStore } from '../../shared/storage/store-from-url.js';
import { appendBatch } from '../../shared/delta/table.js';

const [url, writerText, batchesText, rowsText] = process.argv.slice(2);
const writer = Number(writerText);
const batches = Number(batchesText);
const rowsPerBatch = Number(rowsText ?? '10');
const connection = process.env.TEST_AZURE_CONNECTION_STRING;
const store = openStore(url ?? '', connection ? { azureConnectionString: connection } : {});

const versions: number[] = [];
let retries = 0;
for (let b = 0; b < batches; b++) {
  const ids = Array.from({ length: rowsPerBatch }, (_, i) => BigInt(writer * 100_000 + b * 1000 + i));
  const result = await appendBatch(
    store,
    { id: ids, store_id: ids.map(() => `S${writer % 3}`), day: ids.map(() => 20_000 + b) },
    { onRetry: () => retries++ },
  );
  if (result.kind !== 'committed')
    throw new Error(`writer ${writer} lost batch ${b}: ${JSON.stringify(result)}`);
  versions.push(result.version);
}
process.send?.({ writer, versions, retries });
