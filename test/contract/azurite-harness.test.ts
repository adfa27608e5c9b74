/**
 * The Azurite harness: fast start on free ports, all three services answer, `stop()` ends the process,
 * on-disk persistence survives a restart, and a parent that dies without cleanup takes Azurite along.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { TableServiceClient } from '@azure/data-tables';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../shared/local/azurite.js';
import { forkTs } from '../support/ts-child.js';

const running: Azurite[] = [];
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('startAzurite', () => {
  it('starts in memory on free ports within 5 s, and Blob, Queue and Table all answer', async () => {
    const [a, b] = await Promise.all([startAzurite(), startAzurite()]);
    if (a === undefined || b === undefined) throw new Error('unreachable');
    running.push(a, b);
    console.info(`two Azurites started concurrently in ${a.startMs} ms and ${b.startMs} ms`);
    expect(a.startMs).toBeLessThan(5_000);
    expect(new Set([a.blobEndpoint, a.queueEndpoint, a.tableEndpoint, b.blobEndpoint]).size).toBe(4);

    const blobs = BlobServiceClient.fromConnectionString(a.connectionString);
    await blobs.getContainerClient('probe').create();
    const names = [];
    for await (const c of blobs.listContainers()) names.push(c.name);
    expect(names).toEqual(['probe']);

    const tables = TableServiceClient.fromConnectionString(a.connectionString, {
      allowInsecureConnection: true,
    });
    await tables.createTable('probe');
    const tableNames = [];
    for await (const t of tables.listTables()) tableNames.push(t.name);
    expect(tableNames).toEqual(['probe']);

    // No queue SDK is installed; an unauthenticated call must be refused by Azurite's queue service.
    const queue = await fetch(`${a.queueEndpoint}?comp=list`);
    expect(queue.status).toBe(403);
    expect(queue.headers.get('server')).toMatch(/^Azurite-Queue/);
  });

  it('stop() ends the process', async () => {
    const azurite = await startAzurite();
    expect(isAlive(azurite.pid)).toBe(true);
    await azurite.stop();
    expect(isAlive(azurite.pid)).toBe(false);
    await azurite.stop(); // idempotent
  });

  it('persists to `location` across a restart', async () => {
    const location = await mkdtemp(join(tmpdir(), 'azurite-'));
    tempDirs.push(location);
    const first = await startAzurite({ location });
    const container = BlobServiceClient.fromConnectionString(first.connectionString).getContainerClient(
      'lake',
    );
    await container.create();
    await container.getBlockBlobClient('kept.json').upload('{"kept":true}', 13);
    await first.stop();

    const second = await startAzurite({ location });
    running.push(second);
    const again = BlobServiceClient.fromConnectionString(second.connectionString).getContainerClient('lake');
    expect((await again.getBlobClient('kept.json').downloadToBuffer()).toString()).toBe('{"kept":true}');
  });

  it('goes away when its parent process is killed without any cleanup', async () => {
    const parent = forkTs(fileURLToPath(new URL('./azurite-parent-worker.ts', import.meta.url)));
    const azuritePid = await new Promise<number>((resolve, reject) => {
      parent.once('message', (m: { azuritePid: number }) => resolve(m.azuritePid));
      parent.once('exit', (code) => reject(new Error(`parent exited early (code ${code ?? 'none'})`)));
    });
    expect(isAlive(azuritePid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (isAlive(azuritePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(azuritePid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
