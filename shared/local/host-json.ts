/**
 * The parts of host.json the local runtime honours, with the extension defaults when absent
 * (Event Hubs extension 6.x: maxEventBatchSize 100; Core Tools' local task hub "TestHubName").
 */
import { readFile } from 'node:fs/promises';

export interface HostSettings {
  routePrefix: string;
  maxEventBatchSize: number;
  batchCheckpointFrequency: number;
  initialOffset: 'fromStart' | 'fromEnd';
  /** May hold a `%Setting%` reference. */
  taskHub: string;
}

export async function readHostJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return {};
    throw error;
  }
}

export function hostSettings(hostJson: unknown): HostSettings {
  const extensions = field(hostJson, 'extensions');
  const eventHubs = field(extensions, 'eventHubs');
  const http = field(extensions, 'http');
  const durable = field(extensions, 'durableTask');
  const offsetOption = field(field(eventHubs, 'initialOffsetOptions'), 'type');
  const offsetType = typeof offsetOption === 'string' ? offsetOption.toLowerCase() : 'fromstart';
  return {
    routePrefix:
      typeof field(http, 'routePrefix') === 'string' ? (field(http, 'routePrefix') as string) : 'api',
    maxEventBatchSize: positive(field(eventHubs, 'maxEventBatchSize'), 100),
    batchCheckpointFrequency: positive(field(eventHubs, 'batchCheckpointFrequency'), 1),
    initialOffset: offsetType === 'fromend' ? 'fromEnd' : 'fromStart',
    taskHub:
      typeof field(durable, 'hubName') === 'string' ? (field(durable, 'hubName') as string) : 'TestHubName',
  };
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const match = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? undefined : (value as Record<string, unknown>)[match];
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}
