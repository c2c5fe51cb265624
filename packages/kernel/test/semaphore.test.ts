import { Semaphore, SemaphoreBusyError } from '../src/semaphore';

/** A task that records how many tasks run at once, and finishes when the test says so. */
function counting() {
  const state = { running: 0, peak: 0, started: [] as number[] };
  const gates: (() => void)[] = [];
  const task = (i: number) => async () => {
    state.running++;
    state.peak = Math.max(state.peak, state.running);
    state.started.push(i);
    await new Promise<void>((resolve) => gates.push(resolve));
    state.running--;
    return i * 2;
  };
  return { state, task, releaseAll: () => gates.splice(0).forEach((open) => open()) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('runs at most its limit at once, the rest in the order they came, and answers each its own result', async () => {
    const semaphore = new Semaphore(3);
    const { state, task, releaseAll } = counting();
    const results = Promise.all(Array.from({ length: 50 }, (_, i) => semaphore.run(task(i))));
    await tick();
    expect(state.started).toEqual([0, 1, 2]);
    expect(semaphore.load).toEqual({ running: 3, waiting: 47, limit: 3 });
    while (state.started.length < 50) {
      releaseAll();
      await tick();
      expect(state.running).toBeLessThanOrEqual(3);
    }
    releaseAll();
    expect(await results).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(state.peak).toBe(3);
    expect(state.started).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(semaphore.load).toEqual({ running: 0, waiting: 0, limit: 3 });
  });

  it('gives freed turns to the lanes in rotation, so a flood in one lane delays another by one turn', async () => {
    const semaphore = new Semaphore(1);
    const { state, task, releaseAll } = counting();
    const all: Promise<number>[] = [];
    for (let i = 0; i < 10; i++) all.push(semaphore.run(task(i), { lane: 'login' }));
    all.push(semaphore.run(task(100), { lane: 'register' }), semaphore.run(task(101), { lane: 'register' }));
    while (state.started.length < 12) {
      await tick();
      releaseAll();
    }
    releaseAll();
    await Promise.all(all);
    // 0 ran at once; then the lanes alternate while both have waiters: 10 logins ahead cost a registration one turn.
    expect(state.started).toEqual([0, 1, 100, 2, 101, 3, 4, 5, 6, 7, 8, 9]);
    expect(state.peak).toBe(1);
  });

  it('refuses a waiter not running within maxWaitMs, without giving it a turn', async () => {
    const semaphore = new Semaphore(1);
    const { state, task, releaseAll } = counting();
    const first = semaphore.run(task(0));
    const impatient = semaphore.run(task(1), { maxWaitMs: 20 });
    const patient = semaphore.run(task(2));
    await expect(impatient).rejects.toEqual(new SemaphoreBusyError('waited too long'));
    expect(semaphore.load).toEqual({ running: 1, waiting: 1, limit: 1 });
    releaseAll();
    await first;
    await tick();
    releaseAll();
    expect(await patient).toBe(4);
    expect(state.started).toEqual([0, 2]);
    expect(semaphore.load).toEqual({ running: 0, waiting: 0, limit: 1 });
  });

  it('refuses at once a waiter whose lane already holds maxWaiting, and no other lane', async () => {
    const semaphore = new Semaphore(1);
    const { state, task, releaseAll } = counting();
    const running = semaphore.run(task(0));
    const queued = [semaphore.run(task(1), { lane: 'login', maxWaiting: 2 }), semaphore.run(task(2), { lane: 'login', maxWaiting: 2 })];
    await expect(semaphore.run(task(3), { lane: 'login', maxWaiting: 2 })).rejects.toEqual(new SemaphoreBusyError('queue full'));
    const other = semaphore.run(task(4), { lane: 'register', maxWaiting: 2 });
    expect(semaphore.load).toEqual({ running: 1, waiting: 3, limit: 1 });
    while (state.started.length < 4) {
      releaseAll();
      await tick();
    }
    releaseAll();
    await Promise.all([running, ...queued, other]);
    expect(state.started.sort()).toEqual([0, 1, 2, 4]);
  });

  it('frees the turn of a task that fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await semaphore.run(async () => 'next')).toBe('next');
    expect(semaphore.load.running).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow('at least 1');
    expect(() => new Semaphore(1.5)).toThrow('at least 1');
  });
});
