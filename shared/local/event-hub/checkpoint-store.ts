/**
 * Event Hub checkpoints where the Functions extension keeps them: container `azure-webjobs-eventhub`,
 * one object per consumer group and partition named
 * `<namespace>/<event hub>/<consumer group>/checkpoint/<partition>` (lower-cased, as the processor's
 * blob checkpoint store names them). The real store keeps offset and sequence number in blob metadata;
 * here they are the object's JSON body.
 */
import type { ObjectStore } from '../../delta/storage/object-store.js';

export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

export interface Checkpoint {
  sequenceNumber: number;
  offset: string;
  /** ISO time of the write. */
  updated: string;
}

export interface CheckpointAddress {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
}

export class CheckpointStore {
  readonly #store: ObjectStore;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  static key(address: CheckpointAddress): string {
    const part = (s: string): string => s.toLowerCase();
    return `${part(address.fullyQualifiedNamespace)}/${part(address.eventHubName)}/${part(address.consumerGroup)}/checkpoint/${address.partitionId}`;
  }

  async read(address: CheckpointAddress): Promise<Checkpoint | undefined> {
    const data = await this.#store.get(CheckpointStore.key(address));
    return data === undefined ? undefined : (JSON.parse(Buffer.from(data).toString('utf8')) as Checkpoint);
  }

  async write(address: CheckpointAddress, checkpoint: Checkpoint): Promise<void> {
    await this.#store.put(CheckpointStore.key(address), Buffer.from(JSON.stringify(checkpoint)));
  }
}
