/**
 * Node options of the Functions worker in Azure (app setting NODE_OPTIONS, infra/main.bicep; the
 * ingest benchmark runs our side with them too, bench/run.ts).
 *
 * --max-semi-space-size=64 (MB; V8's default tops out at 16): a landing batch keeps its rows alive
 * until the Parquet write, so with the default young generation most of them are copied by two
 * scavenges and promoted; a larger one lets more die young. Measured on the landing path (NDJSON file
 * → landBatch, separate processes alternated, medians of 8): −4 % CPU per 10k batch, −7 % per 1k
 * batch. Cost: up to ~3 × 64 MB more heap while a batch is in flight, well within an instance's memory.
 */
export const WORKER_NODE_OPTIONS = '--max-semi-space-size=64';
