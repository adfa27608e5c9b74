/**
 * The armed durable timers, at most one per instance, execution and sequence number (re-arming
 * replaces the earlier one). A disarmed or aborted timer never fires; a timer that fires is removed
 * before its callback runs.
 */
import type { Clock } from '../clock.js';
import type { InstanceState } from './instance-state.js';

export class TimerTable {
  readonly #clock: Clock;
  readonly #timers = new Map<string, AbortController>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  arm(instanceId: string, executionId: number, id: number, fireAt: string, onFire: () => void): void {
    const key = `${instanceId}#${executionId}#${id}`;
    const controller = new AbortController();
    this.#timers.get(key)?.abort();
    this.#timers.set(key, controller);
    void this.#clock.sleepUntil(Date.parse(fireAt), controller.signal).then(() => {
      if (controller.signal.aborted) return;
      this.#timers.delete(key);
      onFire();
    });
  }

  /** Disarms task `id` of the instance, whatever execution armed it. */
  disarm(instanceId: string, id: number): void {
    for (const [key, controller] of this.#timers) {
      if (key.startsWith(`${instanceId}#`) && key.endsWith(`#${id}`)) {
        controller.abort();
        this.#timers.delete(key);
      }
    }
  }

  /** Disarms the timers of every open task of the instance. */
  disarmOpen(state: InstanceState): void {
    for (const key of Object.keys(state.open)) this.disarm(state.instanceId, Number(key));
  }

  disarmAll(): void {
    for (const controller of this.#timers.values()) controller.abort();
    this.#timers.clear();
  }
}
