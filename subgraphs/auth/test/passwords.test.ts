/**
 * The limit on password hashing: however many logins and registrations arrive at once, at most
 * PASSWORD_HASH_CONCURRENCY hashes run, and every caller still gets its own right answer.
 */
import { readConfig } from '../src/config';
import { defaultHashConcurrency, hashPassword, limitPasswordHashing, passwordHashingLoad, verifyPassword } from '../src/passwords';

const env = { JWT_SECRET: 'x'.repeat(40), SERVICE_JWT_KEYS: `k:${'y'.repeat(40)}` };

afterAll(() => limitPasswordHashing(defaultHashConcurrency()));

describe('password hashing under load', () => {
  it('runs at most the configured number of hashes at once under 50 parallel calls, each answered rightly', async () => {
    limitPasswordHashing(2);
    const known = await hashPassword('known password');
    passwordHashingLoad(); // reset the peak
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? verifyPassword(known, i % 4 === 1 ? 'known password' : 'wrong password') : hashPassword(`password ${i}`),
    );
    const answers = await Promise.all(calls);
    expect(passwordHashingLoad()).toEqual({ running: 0, waiting: 0, peak: 2 });
    answers.forEach((answer, i) => {
      if (i % 2 === 0) expect(answer).toMatch(/^\$argon2id\$/);
      else expect(answer).toBe(i % 4 === 1);
    });
    expect(new Set(answers.filter((a) => typeof a === 'string')).size).toBe(25); // each its own salt
  });

  it('lets more run at once when configured so (the count sees them)', async () => {
    limitPasswordHashing(6);
    passwordHashingLoad();
    await Promise.all(Array.from({ length: 12 }, (_, i) => hashPassword(`password ${i}`)));
    expect(passwordHashingLoad().peak).toBe(6);
  });

  it('serves a registration’s hash in turn with a flood of login verifications, not after all of them', async () => {
    limitPasswordHashing(1);
    const known = await hashPassword('known password');
    const finished: string[] = [];
    const logins = Array.from({ length: 20 }, (_, i) => verifyPassword(known, 'known password').then(() => finished.push(`login ${i}`)));
    const registration = hashPassword('new member').then(() => finished.push('register'));
    await Promise.all([...logins, registration]);
    expect(finished.indexOf('register')).toBeLessThanOrEqual(2); // behind the running login and at most one more
  });

  it('answers RATE_LIMITED, with a retry hint, to a caller that waited PASSWORD_HASH_MAX_WAIT_MS for its turn', async () => {
    limitPasswordHashing(1, 20);
    const known = await hashPassword('known password');
    const answers = await Promise.allSettled(Array.from({ length: 30 }, () => verifyPassword(known, 'known password')));
    const refused = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused) expect(reason).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfter: 1 } });
    expect(answers.filter((a) => a.status === 'fulfilled').every((a) => (a as PromiseFulfilledResult<boolean>).value)).toBe(true);
    expect(passwordHashingLoad()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('reads PASSWORD_HASH_MAX_WAIT_MS, by default well inside SERVICE_TIMEOUT_MS', () => {
    expect(readConfig(env).passwordHashMaxWaitMs).toBe(2000);
    expect(readConfig({ ...env, SERVICE_TIMEOUT_MS: '1000' }).passwordHashMaxWaitMs).toBe(400);
    expect(readConfig({ ...env, PASSWORD_HASH_MAX_WAIT_MS: '300' }).passwordHashMaxWaitMs).toBe(300);
    expect(() => readConfig({ ...env, PASSWORD_HASH_MAX_WAIT_MS: '5000' })).toThrow('must be below SERVICE_TIMEOUT_MS');
  });

  it('reads PASSWORD_HASH_CONCURRENCY, defaulting to the cores but one libuv thread short of the pool', () => {
    expect(readConfig({ ...env, PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashConcurrency).toBe(3);
    expect(readConfig(env).passwordHashConcurrency).toBe(defaultHashConcurrency(4));
    expect(defaultHashConcurrency(1)).toBe(1);
    expect(defaultHashConcurrency(64)).toBeGreaterThanOrEqual(1);
    expect(() => readConfig({ ...env, PASSWORD_HASH_CONCURRENCY: '0' })).toThrow('PASSWORD_HASH_CONCURRENCY');
  });
});
