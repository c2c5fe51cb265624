/**
 * At most `limit` tasks run at once; the others wait their turn, first come first served. For
 * work that would otherwise take every thread or core it can (password hashing in a login storm)
 * and leave nothing for the rest of the process.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a semaphore needs a limit of at least 1, got ${limit}`);
  }

  /** Tasks running now, and waiting for a turn. */
  get load(): { running: number; waiting: number; limit: number } {
    return { running: this.active, waiting: this.waiting.length, limit: this.limit };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing task hands its turn on
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.active <= this.limit ? this.waiting.shift() : undefined;
    if (next) next();
    else this.active--;
  }
}
