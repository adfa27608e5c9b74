/**
 * One incremental transform run in a process of its own, for bench/transforms.ts:
 *
 *   node dist/bench/transforms-incremental.js <lake folder> '<watermark JSON>'
 *
 * Prints `{"seconds": …}` (runTransform only; process start and imports are not counted). The parent
 * runs the same incremental in its own process too: one right after two full runs of ~10 GB of DuckDB
 * work has measured consistently slower than this one.
 */
import { LocalFsStore } from '../shared/delta/storage/local-fs-store.js';
import { runTransform } from '../shared/transforms/run-transform.js';
import type { TransformWatermark } from '../shared/transforms/watermark.js';

const [lakeDir, since, key = 'bench-hmac-key'] = process.argv.slice(2);
if (!lakeDir || !since) {
  console.error("usage: transforms-incremental <lake folder> '<watermark JSON>' [hmac key]");
  process.exit(2);
}
const started = performance.now();
await runTransform({
  lake: new LocalFsStore(lakeDir),
  hmacKey: key,
  now: Date.now(),
  since: JSON.parse(since) as TransformWatermark,
});
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
