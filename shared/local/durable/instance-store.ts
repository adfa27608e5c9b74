/**
 * Where instance state lives. On Azurite: one Table entity per instance (status columns for queries
 * plus the whole state as JSON), with states too large for a table property in a blob of the
 * `<taskhub>-largemessages` container, as the Durable extension offloads large messages.
 */
import { TableClient, type TableEntity } from '@azure/data-tables';
import type { ObjectStore } from '../../delta/storage/object-store.js';
import type { InstanceState } from './instance-state.js';

export interface InstanceStore {
  load(instanceId: string): Promise<InstanceState | undefined>;
  save(state: InstanceState): Promise<void>;
  delete(instanceId: string): Promise<void>;
  /** Every stored instance id. */
  list(): Promise<string[]>;
}

export class MemoryInstanceStore implements InstanceStore {
  readonly #states = new Map<string, string>();

  load(instanceId: string): Promise<InstanceState | undefined> {
    const text = this.#states.get(instanceId);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as InstanceState));
  }

  save(state: InstanceState): Promise<void> {
    this.#states.set(state.instanceId, JSON.stringify(state));
    return Promise.resolve();
  }

  delete(instanceId: string): Promise<void> {
    this.#states.delete(instanceId);
    return Promise.resolve();
  }

  list(): Promise<string[]> {
    return Promise.resolve([...this.#states.keys()]);
  }
}

/** Table properties hold at most 64 KiB (32 K UTF-16 characters). */
const INLINE_LIMIT = 30_000;

interface InstanceEntity {
  partitionKey: string;
  rowKey: string;
  Name: string;
  RuntimeStatus: string;
  CreatedTime: string;
  LastUpdatedTime: string;
  State: string;
  StateBlob: string;
}

export class TableInstanceStore implements InstanceStore {
  readonly #table: TableClient;
  readonly #blobs: ObjectStore;
  #ready: Promise<void> | undefined;

  /** `blobs`: the large-message container. */
  constructor(connectionString: string, taskHub: string, blobs: ObjectStore) {
    this.#table = TableClient.fromConnectionString(connectionString, `${taskHub}Instances`, {
      allowInsecureConnection: true,
    });
    this.#blobs = blobs;
  }

  async load(instanceId: string): Promise<InstanceState | undefined> {
    await this.#ensure();
    let entity: TableEntity<InstanceEntity>;
    try {
      entity = await this.#table.getEntity<InstanceEntity>(key(instanceId), '');
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
    if (entity.StateBlob !== '') {
      const data = await this.#blobs.get(entity.StateBlob);
      if (data === undefined)
        throw new Error(`instance ${instanceId}: state blob ${entity.StateBlob} is missing`);
      return JSON.parse(Buffer.from(data).toString('utf8')) as InstanceState;
    }
    return JSON.parse(entity.State) as InstanceState;
  }

  async save(state: InstanceState): Promise<void> {
    await this.#ensure();
    const text = JSON.stringify(state);
    let stateBlob = '';
    if (text.length > INLINE_LIMIT) {
      stateBlob = `${key(state.instanceId)}/state.json`;
      await this.#blobs.put(stateBlob, Buffer.from(text));
    }
    const entity: InstanceEntity = {
      partitionKey: key(state.instanceId),
      rowKey: '',
      Name: state.name,
      RuntimeStatus: state.status,
      CreatedTime: state.createdTime,
      LastUpdatedTime: state.lastUpdatedTime,
      State: stateBlob === '' ? text : '',
      StateBlob: stateBlob,
    };
    await this.#table.upsertEntity(entity, 'Replace');
  }

  async delete(instanceId: string): Promise<void> {
    await this.#ensure();
    try {
      await this.#table.deleteEntity(key(instanceId), '');
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    await this.#blobs.delete(`${key(instanceId)}/state.json`);
  }

  async list(): Promise<string[]> {
    await this.#ensure();
    const ids: string[] = [];
    for await (const entity of this.#table.listEntities<{ partitionKey: string }>({
      queryOptions: { select: ['PartitionKey'] },
    })) {
      ids.push(decodeURIComponent(entity.partitionKey));
    }
    return ids;
  }

  #ensure(): Promise<void> {
    this.#ready ??= this.#table.createTable().catch((error: unknown) => {
      if (statusOf(error) !== 409) throw error;
    });
    return this.#ready;
  }
}

/** Table keys may not contain / \ # ? or control characters. */
function key(instanceId: string): string {
  return encodeURIComponent(instanceId);
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'statusCode' in error &&
    typeof error.statusCode === 'number'
    ? error.statusCode
    : undefined;
}
