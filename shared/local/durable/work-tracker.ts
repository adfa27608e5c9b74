/**
 * Counts the background work in progress (episodes, activities, deliveries) so callers can wait for
 * the runtime to go idle. Tracked work never rejects into the void: a failure is logged, and after a
 * simulated crash (`abandon`) it is neither counted nor logged, since that process is gone.
 */
import { asError } from './as-error.js';

export class WorkTracker {
  readonly #onLog: ((message: string) => void) | undefined;
  #busy = 0;
  #idleWaiters: (() => void)[] = [];
  #abandoned = false;

  constructor(onLog: ((message: string) => void) | undefined) {
    this.#onLog = onLog;
  }

  track(work: Promise<void>): void {
    if (this.#abandoned) {
      work.catch(() => undefined);
      return;
    }
    this.#busy++;
    work
      .catch((error: unknown) => {
        if (!this.#abandoned)
          this.#onLog?.(`durable runtime error: ${asError(error).stack ?? String(error)}`);
      })
      .finally(() => {
        this.#busy--;
        if (this.#busy === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
  }

  /** Resolves when no tracked work is in progress. */
  whenIdle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  abandon(): void {
    this.#abandoned = true;
  }
}
