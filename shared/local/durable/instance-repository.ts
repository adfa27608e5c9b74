/**
 * The engine's access to instance state. Changes to one instance are serialised (`withLock`), and
 * every reader gets the same cached object the last save stored, so a locked change sees all earlier
 * ones. After a simulated crash (`abandon`) nothing is saved any more: a save throws instead.
 */
import type { Clock } from '../clock.js';
import { EventType, historyEvent } from './history.js';
import { isTerminal, type InstanceState } from './instance-state.js';
import type { InstanceStore } from './instance-store.js';

export class InstanceExistsError extends Error {
  constructor(readonly instanceId: string) {
    super(`an orchestration instance "${instanceId}" already exists and is not finished`);
    this.name = 'InstanceExistsError';
  }
}

export class InstanceRepository {
  readonly #store: InstanceStore;
  readonly #clock: Clock;
  readonly #cache = new Map<string, InstanceState>();
  readonly #locks = new Map<string, Promise<void>>();
  #abandoned = false;

  constructor(store: InstanceStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Every stored instance id. */
  list(): Promise<string[]> {
    return this.#store.list();
  }

  async get(instanceId: string): Promise<InstanceState | undefined> {
    const cached = this.#cache.get(instanceId);
    if (cached !== undefined) return cached;
    const loaded = await this.#store.load(instanceId);
    if (loaded !== undefined) this.#cache.set(instanceId, loaded);
    return loaded;
  }

  async save(state: InstanceState): Promise<void> {
    if (this.#abandoned) throw new Error('the durable runtime was abandoned (simulated crash)');
    this.#cache.set(state.instanceId, state);
    await this.#store.save(state);
  }

  /**
   * Saves a new Pending instance, after `init` (run under the lock) completes it; throws
   * InstanceExistsError if an unfinished instance has the id.
   */
  async create(
    instanceId: string,
    name: string,
    input: unknown,
    init?: (state: InstanceState) => void,
  ): Promise<void> {
    await this.withLock(instanceId, async () => {
      const existing = await this.get(instanceId);
      if (existing !== undefined && !isTerminal(existing.status)) throw new InstanceExistsError(instanceId);
      const state = this.#newState(instanceId, name, input);
      init?.(state);
      await this.save(state);
    });
  }

  async delete(instanceId: string): Promise<void> {
    await this.#store.delete(instanceId);
    this.#cache.delete(instanceId);
  }

  async withLock<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(instanceId) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    this.#locks.set(instanceId, chained);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.#locks.get(instanceId) === chained) this.#locks.delete(instanceId);
    }
  }

  abandon(): void {
    this.#abandoned = true;
  }

  #newState(instanceId: string, name: string, input: unknown): InstanceState {
    const now = this.#clock.now();
    const iso = new Date(now).toISOString();
    return {
      instanceId,
      name,
      executionId: 0,
      status: 'Pending',
      input: input ?? null,
      output: null,
      customStatus: null,
      createdTime: iso,
      lastUpdatedTime: iso,
      history: [],
      pending: [
        historyEvent(EventType.ExecutionStarted, now, {
          Name: name,
          Input: JSON.stringify(input ?? null),
          Version: '',
        }),
      ],
      nextId: 0,
      knownActions: [],
      leafIds: [],
      open: {},
    };
  }
}
