import type { Logger } from './logger';

/**
 * Background work on a timer (sweeps): a round never starts while the last one runs, a failed round
 * is logged and the next one tries again, the timer never keeps the process up, and stop() waits
 * for the round in progress.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly round: () => Promise<unknown>,
    private readonly log: Logger,
    /** Run a round at start as well (work a crashed process left), not only after the first interval. */
    private readonly atStart = false,
  ) {}

  start(): void {
    const run = () => {
      this.running ??= this.round()
        .catch((err) => this.log.error(`${this.what} failed`, { err }))
        .finally(() => (this.running = undefined));
    };
    if (this.atStart) run();
    this.timer = setInterval(run, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
