/**
 * Through the real registration path: the local runtime loads the ingest functions with the worker
 * stand-in and the repo's host.json / local.settings.json, its in-process Event Hub delivers batches
 * with the host's trigger metadata, and its HTTP host serves POST /api/events with function keys.
 * Redelivering every partition from the start (checkpoints deleted) lands nothing new.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startAzurite, type Azurite } from '../../../shared/local/azurite.js';
import { startLocalRuntime, type LocalRuntimeOptions } from '../../../shared/local/runtime.js';
import { CHECKPOINT_CONTAINER } from '../../../shared/local/event-hub/checkpoint-store.js';
import { VirtualClock } from '../../../shared/local/clock.js';
import { LocalFsStore } from '../../../shared/delta/storage/local-fs-store.js';
import { prefixed } from '../../../shared/delta/storage/prefixed-store.js';
import { validEvent } from '../../unit/ingest/fixtures.js';
import { failingCommits, rowsOf } from './helpers.js';
import { landPorts, setIngestRuntime } from '../../../shared/ingest/compose.js';
import { loadSettings } from '../../../shared/config/config.js';
import { simulateCommand } from '../../../shared/cli/simulate-command.js';
import { createCliContext } from '../../../shared/cli/context.js';

const entry = new URL('./ingest-app.ts', import.meta.url).pathname;
const NOT_UTF8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}
const repoRoot = path.resolve(path.dirname(entry), '../../..');

describe('ingest through the local runtime', () => {
  let azurite: Azurite;
  let options: LocalRuntimeOptions;
  let lake: string;

  beforeAll(async () => {
    azurite = await startAzurite();
    lake = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-rt-'));
    options = {
      entry,
      appDir: repoRoot,
      port: 0,
      timers: false,
      azurite: { connectionString: azurite.connectionString },
      settings: {
        LAKE_URL: lake,
        POS_EVENTHUB_NAME: 'pos-events',
        POS_EVENTHUB_CONSUMER_GROUP: 'bronze',
        PosEventHubConnection:
          'Endpoint=sb://pos-ns.servicebus.windows.net/;SharedAccessKeyName=local;SharedAccessKey=x',
      },
      hostJson: { version: '2.0', extensions: { eventHubs: { maxEventBatchSize: 25 } } },
      eventHubPartitions: 4,
    };
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  test('indexes both functions as registered', async () => {
    const runtime = await startLocalRuntime(options);
    try {
      const hub = runtime.functions.find((f) => f.name === 'ingest-eventhub');
      expect(hub).toMatchObject({
        triggerType: 'eventHubTrigger',
        connection: 'PosEventHubConnection',
        eventHubName: 'pos-events',
        consumerGroup: 'bronze',
        cardinality: 'many',
        dataType: 'binary',
      });
      expect(runtime.functions.find((f) => f.name === 'ingest-http')).toMatchObject({
        triggerType: 'httpTrigger',
      });
    } finally {
      await runtime.stop();
    }
  });

  test('events land exactly once; HTTP answers 202 with function keys; full redelivery lands nothing', async () => {
    const runtime = await startLocalRuntime(options);
    const stores = ['S0001', 'S0002', 'S0003', 'S0004', 'S0005', 'S0006'];
    const bodies: string[] = [];
    try {
      for (let i = 0; i < 120; i++) {
        const body =
          i % 10 === 3
            ? 'not json'
            : i % 10 === 7
              ? JSON.stringify(validEvent({ currency: 'EURO' }))
              : JSON.stringify(validEvent({ storeId: stores[i % stores.length] }));
        // Bodies arrive as bytes: Bronze keeps the text as sent (after the library's JSON.parse, the
        // object path could only store a compact re-serialisation of this indented body).
        bodies.push(i === 0 ? JSON.stringify(validEvent({ storeId: 'S0001' }), null, 2) : body);
        // One body is not UTF-8: the hub keeps its bytes, the landing quarantines it as such.
        const sent = i === 13 ? { body: NOT_UTF8 } : (bodies[i] ?? body);
        await runtime.eventHub.send([sent], {
          eventHubName: 'pos-events',
          partitionKey: stores[i % stores.length] ?? 'S0001',
        });
      }
      await runtime.eventHub.waitUntilDrained({ timeoutMs: 60_000 });

      const url = `${runtime.baseUrl}/api/events`;
      const ndjson = [JSON.stringify(validEvent()), '{"oops"'].join('\n');
      expect((await fetch(url, { method: 'POST', body: ndjson })).status).toBe(401);
      const res = await fetch(`${url}?code=${runtime.keys.functionKey}`, { method: 'POST', body: ndjson });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
    } finally {
      await runtime.stop();
    }

    const root = new LocalFsStore(lake);
    const bronze = prefixed(root, 'bronze/pos_events');
    const quarantine = prefixed(root, 'bronze/pos_events_quarantine');
    const check = async () => {
      const b = (await rowsOf(bronze)).filter((r) => r.source === 'eventhub');
      const q = (await rowsOf(quarantine)).filter((r) => r.source === 'eventhub');
      const keys = [...b, ...q].map((r) => `${String(r.eh_partition)}#${String(r.eh_sequence_number)}`);
      expect(new Set(keys).size).toBe(bodies.length);
      expect([b.length, q.length]).toEqual([96, 24]);
      expect(
        b.every(
          (r) =>
            String(r.stream_id).startsWith('eh-pos-events-bronze-') &&
            r.eh_enqueued_time !== null &&
            typeof r.eh_partition_key === 'string',
        ),
      ).toBe(true);
      expect(b.map((r) => r.raw_payload)).toContain(bodies[0]);
      expect(
        q.filter((r) => r.reason_code === 'body_not_utf8').map((r) => [r.raw_encoding, r.raw_body]),
      ).toEqual([['base64', NOT_UTF8.toString('base64')]]);
      return { b: b.length, q: q.length };
    };
    const first = await check();

    // Every checkpoint gone: the next start redelivers each partition from its first event.
    const checkpoints = new ContainerClient(azurite.connectionString, CHECKPOINT_CONTAINER);
    for await (const blob of checkpoints.listBlobsFlat()) await checkpoints.deleteBlob(blob.name);
    const again = await startLocalRuntime(options);
    try {
      await again.eventHub.waitUntilDrained({ timeoutMs: 60_000 });
    } finally {
      await again.stop();
    }
    expect(await check()).toEqual(first);
  });

  test('a crash before the Bronze commit: the host retry policy re-invokes the batch, nothing lost or duplicated', async () => {
    // Enqueued times come from this clock and are the reference for the occurredAt window.
    const runtime = await startLocalRuntime({
      ...options,
      virtualClock: new VirtualClock(Date.parse('2026-11-25T15:00:00Z')),
    });
    const lake2 = new LocalFsStore(fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-rt-crash-')));
    const settings = loadSettings();
    const ports = landPorts(lake2, settings);
    const failing = failingCommits(ports.bronze);
    setIngestRuntime({ settings, ports: { ...ports, bronze: failing } });
    try {
      const bodies = Array.from({ length: 10 }, (_, i) => (i === 4 ? '{' : JSON.stringify(validEvent())));
      await runtime.eventHub.send(bodies, { eventHubName: 'pos-events', partitionId: '2' });
      for (let i = 0; i < 50 && failing.failures === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(failing.failures).toBe(1);
      await runtime.virtualClock?.advance(2_000); // the registration's retry: exponential from 2 s
      await runtime.eventHub.waitUntilDrained({ timeoutMs: 30_000 });
    } finally {
      await runtime.stop();
      setIngestRuntime(undefined);
    }
    const b = await rowsOf(ports.bronze);
    const q = await rowsOf(ports.quarantine);
    expect([b.length, q.length]).toEqual([9, 1]);
    expect(new Set(b.map((r) => r.eh_sequence_number)).size).toBe(9);
  });

  test('lakehouse simulate --target http --http-gzip posts to the runtime: every event in Bronze or quarantine once', async () => {
    // The app's ingest runtime is composed once per process (on the first test's lake): count from there.
    const root = new LocalFsStore(lake);
    const httpRows = async () => {
      const b = (await rowsOf(prefixed(root, 'bronze/pos_events'))).filter((r) => r.source === 'http');
      const q = (await rowsOf(prefixed(root, 'bronze/pos_events_quarantine'))).filter(
        (r) => r.source === 'http',
      );
      return [b.length, q.length] as const;
    };
    const before = await httpRows();
    const runtime = await startLocalRuntime(options);
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    // Business days just before today, so the occurredAt window holds whenever this runs.
    const start = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    try {
      const args = ['--seed', '9', '--stores', '3', '--events', '400', '--start', start, '--days', '2'];
      const rates = ['--malformed-rate', '0.05', '--duplicate-rate', '0', '--late-rate', '0', '--quiet'];
      const target = [
        '--target',
        'http',
        '--url',
        `${runtime.baseUrl}/api/events`,
        '--http-batch',
        '64',
        '--http-gzip',
      ];
      const key = ['--function-key', runtime.keys.functionKey];
      expect(
        await simulateCommand([...args, ...rates, ...target, ...key], createCliContext(loadSettings({}))),
      ).toBe(0);
    } finally {
      spy.mockRestore();
      await runtime.stop();
    }
    const [b, q] = (await httpRows()).map((n, i) => n - (before[i] ?? 0));
    const summary = /(\d+) requests \((\d+) retried\): (\d+) accepted, (\d+) rejected/.exec(logs.join('\n'));
    expect(summary?.slice(1).map(Number)).toEqual([7, 0, b, q]);
    expect((b ?? 0) + (q ?? 0)).toBe(400);
    expect(q).toBeGreaterThan(5);
  });
});
