/**
 * The limit on password hashing: however many logins and registrations arrive at once, at most
 * PASSWORD_HASH_CONCURRENCY hashes run, and every caller still gets its own right answer.
 */
import { availableParallelism } from 'node:os';
import * as argon2 from 'argon2';
import { readConfig } from '../src/config';
import {
  DEFAULT_HASHING_LIMITS,
  defaultHashConcurrency,
  hashPassword,
  limitPasswordHashing,
  upgradedHash,
  passwordHashingLoad,
  verifyPassword,
  type HashingLimits,
} from '../src/passwords';

const env = { JWT_SECRET: 'x'.repeat(40), SERVICE_JWT_KEYS: `k:${'y'.repeat(40)}` };

const limit = (concurrency: number, more: Partial<HashingLimits> = {}) => limitPasswordHashing({ concurrency, maxQueue: 1000, maxWaitMs: 60_000, ...more });
afterAll(() => limitPasswordHashing({ concurrency: defaultHashConcurrency(), ...DEFAULT_HASHING_LIMITS }));

describe('password hashing under load', () => {
  it('runs at most the configured number of hashes at once under 50 parallel calls, each answered rightly', async () => {
    limit(2);
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
    limit(6);
    passwordHashingLoad();
    await Promise.all(Array.from({ length: 12 }, (_, i) => hashPassword(`password ${i}`)));
    expect(passwordHashingLoad().peak).toBe(6);
  });

  it('serves a registration’s hash in turn with a flood of login verifications, not after all of them', async () => {
    limit(1);
    const known = await hashPassword('known password');
    const finished: string[] = [];
    const logins = Array.from({ length: 20 }, (_, i) => verifyPassword(known, 'known password').then(() => finished.push(`login ${i}`)));
    const registration = hashPassword('new member').then(() => finished.push('register'));
    await Promise.all([...logins, registration]);
    expect(finished.indexOf('register')).toBeLessThanOrEqual(2); // behind the running login and at most one more
  });

  it('answers RATE_LIMITED, with a retry hint, to a caller that waited PASSWORD_HASH_MAX_WAIT_MS for its turn', async () => {
    limit(1, { maxWaitMs: 20 });
    const known = await hashPassword('known password');
    const answers = await Promise.allSettled(Array.from({ length: 30 }, () => verifyPassword(known, 'known password')));
    const refused = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused) expect(reason).toMatchObject({ code: 'RATE_LIMITED', extensions: { retryAfter: 1 } });
    expect(answers.filter((a) => a.status === 'fulfilled').every((a) => (a as PromiseFulfilledResult<boolean>).value)).toBe(true);
    expect(passwordHashingLoad()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('answers RATE_LIMITED at once to a caller finding PASSWORD_HASH_MAX_QUEUE already waiting in its lane', async () => {
    limit(1, { maxQueue: 3 });
    const known = await hashPassword('known password');
    const answers = await Promise.allSettled(Array.from({ length: 10 }, () => verifyPassword(known, 'known password')));
    // One runs at once, three wait; the other six are refused.
    expect(answers.map((a) => a.status)).toEqual([...Array(4).fill('fulfilled'), ...Array(6).fill('rejected')]);
    expect((answers[9] as PromiseRejectedResult).reason).toMatchObject({ code: 'RATE_LIMITED' });
    // Registrations wait in a lane of their own, so a full login queue refuses none of them.
    const logins = Array.from({ length: 10 }, () => verifyPassword(known, 'known password').catch(() => 'refused'));
    expect(await hashPassword('a new member')).toMatch(/^\$argon2id\$/);
    expect((await Promise.all(logins)).filter((a) => a === 'refused')).toHaveLength(6);
  });

  it('upgrades an old-parameter hash when there is a turn for it, and leaves it for the next login when there is none', async () => {
    const legacy = await argon2.hash('old password', { type: argon2.argon2id });
    limit(1, { maxQueue: 0 });
    const busy = hashPassword('someone registering'); // takes the only turn; nobody may queue
    expect(await upgradedHash(legacy, 'old password')).toBeUndefined();
    await busy;
    const upgraded = await upgradedHash(legacy, 'old password');
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(upgraded, 'old password')).toBe(true);
    expect(await upgradedHash(upgraded!, 'old password')).toBeUndefined();
  });

  it('reads the limits, PASSWORD_HASH_MAX_WAIT_MS by default well inside SERVICE_TIMEOUT_MS', () => {
    expect(readConfig(env).passwordHashing).toEqual({ concurrency: defaultHashConcurrency(4), maxQueue: 20, maxWaitMs: 2000 });
    expect(readConfig({ ...env, SERVICE_TIMEOUT_MS: '1000' }).passwordHashing.maxWaitMs).toBe(400);
    expect(readConfig({ ...env, PASSWORD_HASH_MAX_WAIT_MS: '300', PASSWORD_HASH_MAX_QUEUE: '5' }).passwordHashing).toMatchObject({
      maxWaitMs: 300,
      maxQueue: 5,
    });
    expect(() => readConfig({ ...env, PASSWORD_HASH_MAX_WAIT_MS: '5000' })).toThrow('must be below SERVICE_TIMEOUT_MS');
  });

  it('reads PASSWORD_HASH_CONCURRENCY, by default a core and a libuv thread short of the machine', () => {
    expect(readConfig({ ...env, PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashing.concurrency).toBe(3);
    expect(defaultHashConcurrency(1)).toBe(1);
    expect(defaultHashConcurrency(64)).toBe(Math.max(1, availableParallelism() - 1));
    expect(() => readConfig({ ...env, PASSWORD_HASH_CONCURRENCY: '0' })).toThrow('PASSWORD_HASH_CONCURRENCY');
  });
});
