/**
 * Time for the runtime's timers, retries and durable timers. The real clock uses `setTimeout`; the
 * virtual clock only moves when told to (`advance`/`runUntilIdle`), firing due sleepers in time order,
 * so tests of schedules, backoff and monitor loops run instantly and deterministically.
 */
export interface Clock {
  now(): number;
  /** Resolves at `at` (epoch ms) or immediately if it is past; rejects never. Cancel via the signal. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks work that will lead to a new sleep (e.g. a timer run that then schedules the next one);
   * returns its release. A virtual clock does not move while work is marked.
   */
  busy(): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  busy: () => () => undefined,
  sleepUntil(at, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted === true) return resolve();
      const timer = setTimeout(done, Math.max(0, at - Date.now()));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export class VirtualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #seq = 0;
  #busy = 0;
  #quietWaiters: (() => void)[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (at <= this.#now || signal?.aborted === true) return resolve();
      const sleeper: Sleeper = { at, seq: this.#seq++, wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  busy(): () => void {
    this.#busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#busy--;
      if (this.#busy === 0) for (const wake of this.#quietWaiters.splice(0)) wake();
    };
  }

  /** Resolves when no marked work is running and pending callbacks have run. */
  async quiet(): Promise<void> {
    do {
      await settle();
      if (this.#busy > 0) await new Promise<void>((resolve) => this.#quietWaiters.push(resolve));
    } while (this.#busy > 0);
  }

  /** The earliest pending wake-up time, if any. */
  nextWakeUp(): number | undefined {
    let next: number | undefined;
    for (const s of this.#sleepers) if (next === undefined || s.at < next) next = s.at;
    return next;
  }

  /** Moves time forward by `ms`, waking sleepers in order and letting their work settle in between. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await this.quiet();
      const next = this.nextWakeUp();
      if (next === undefined || next > target) break;
      this.#now = Math.max(this.#now, next);
      const due = this.#sleepers
        .filter((s) => s.at <= this.#now)
        .sort((a, b) => a.at - b.at || a.seq - b.seq);
      this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
      for (const s of due) s.wake();
    }
    this.#now = Math.max(this.#now, target);
    await this.quiet();
  }
}

/** Lets pending promise chains and I/O callbacks run (a few macrotask turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
