/**
 * At most `limit` tasks run at once; the others wait their turn. For work that would otherwise
 * take every thread or core it can (password hashing in a login storm) and leave nothing for the
 * rest of the process.
 *
 * Waiters queue per lane, first come first served within a lane, and a freed turn goes to the
 * lanes in rotation: a flood in one lane (logins) delays another (registrations) by at most one
 * turn per lane. A caller can bound its wait, so it can still answer "busy, retry" in time:
 * `maxWaiting` refuses it at once when that many already wait in its lane, `maxWaitMs` when it is
 * not running by then; either way with SemaphoreBusyError, and it never runs.
 */
export class SemaphoreBusyError extends Error {
  constructor(readonly reason: 'queue full' | 'waited too long') {
    super(`no turn: ${reason}`);
    this.name = 'SemaphoreBusyError';
  }
}

export interface TurnOptions {
  lane?: string;
  maxWaiting?: number;
  maxWaitMs?: number;
}

interface Waiter {
  start: () => void;
  timer?: NodeJS.Timeout;
}

export class Semaphore {
  private active = 0;
  private readonly lanes = new Map<string, Waiter[]>();
  private lastLane: string | undefined;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a semaphore needs a limit of at least 1, got ${limit}`);
  }

  /** Tasks running now, and waiting for a turn. */
  get load(): { running: number; waiting: number; limit: number } {
    let waiting = 0;
    for (const queue of this.lanes.values()) waiting += queue.length;
    return { running: this.active, waiting, limit: this.limit };
  }

  async run<T>(task: () => Promise<T>, options: TurnOptions = {}): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await this.turn(options); // the finishing task hands its turn on
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private turn({ lane = '', maxWaiting = Infinity, maxWaitMs }: TurnOptions): Promise<void> {
    const queue = this.lanes.get(lane) ?? [];
    this.lanes.set(lane, queue);
    if (queue.length >= maxWaiting) return Promise.reject(new SemaphoreBusyError('queue full'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { start: resolve };
      if (maxWaitMs !== undefined) {
        waiter.timer = setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new SemaphoreBusyError('waited too long'));
        }, maxWaitMs);
      }
      queue.push(waiter);
    });
  }

  private release(): void {
    const next = this.next();
    if (!next) {
      this.active--;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }

  /** The first waiter of the next lane after the last one served that has any. */
  private next(): Waiter | undefined {
    const names = [...this.lanes.keys()];
    const after = this.lastLane === undefined ? 0 : names.indexOf(this.lastLane) + 1;
    for (let i = 0; i < names.length; i++) {
      const name = names[(after + i) % names.length];
      const waiter = this.lanes.get(name)!.shift();
      if (waiter) {
        this.lastLane = name;
        return waiter;
      }
    }
    return undefined;
  }
}
