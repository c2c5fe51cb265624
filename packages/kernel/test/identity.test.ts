import { SignJWT } from 'jose';
import { parseServiceKeys } from '../src/config';
import { signAccessToken, signServiceToken, verifyAccessToken, verifyServiceToken } from '../src/identity';
import { expiredServiceToken } from '../src/testing';

const keys = (raw: string) => parseServiceKeys(raw, []);
const current = keys('k2:second-secret-that-is-long-enough-0123456789');
const both = keys('k2:second-secret-that-is-long-enough-0123456789,k1:first-secret-that-is-long-enough-01234567890');
const previous = keys('k1:first-secret-that-is-long-enough-01234567890');

describe('service identity', () => {
  it('carries the caller, the end user and the client address', async () => {
    const token = await signServiceToken({ caller: 'gateway', user: { id: 'u1', role: 'ADMIN' }, clientIp: '203.0.113.7' }, current);
    expect(await verifyServiceToken(token, current)).toEqual({ caller: 'gateway', user: { id: 'u1', role: 'ADMIN' }, clientIp: '203.0.113.7' });
  });

  it('rotates without downtime: tokens of the previous key verify while both keys are configured', async () => {
    const old = await signServiceToken({ caller: 'booking' }, previous);
    expect(await verifyServiceToken(old, both)).toEqual({ caller: 'booking', user: undefined, clientIp: undefined });
    expect(await verifyServiceToken(old, current)).toBeUndefined();
  });

  it('refuses forged, expired, wrong-audience and malformed tokens', async () => {
    const forged = await signServiceToken({ caller: 'gateway', user: { id: 'u1', role: 'ADMIN' } }, keys('k2:an-attackers-secret-that-is-long-enough-0000'));
    const secret = current[0].secret;
    const expired = await expiredServiceToken({ caller: 'gateway' }, current);
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
      .setSubject('gateway')
      .setIssuer('gateway')
      .setAudience('wsb')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(secret);
    const userToken = (await signAccessToken({ id: 'u1', role: 'ADMIN' }, secret, 60)).token;
    for (const token of [forged, expired, wrongAudience, userToken, 'not.a.jwt', '']) {
      expect(await verifyServiceToken(token, current)).toBeUndefined();
    }
  });

  it('refuses a token whose end user has a role that does not exist', async () => {
    const token = await new SignJWT({ usr: 'u1', rol: 'ROOT' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
      .setSubject('gateway')
      .setIssuer('gateway')
      .setAudience('wsb-subgraph')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(current[0].secret);
    expect(await verifyServiceToken(token, current)).toBeUndefined();
  });
});

describe('user access tokens', () => {
  const secret = new TextEncoder().encode('user-secret-that-is-long-enough-0123456789');
  it('verify with the same secret and expire', async () => {
    const { token, expiresAt } = await signAccessToken({ id: 'u1', role: 'MEMBER' }, secret, 60);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await verifyAccessToken(token, secret)).toEqual({ id: 'u1', role: 'MEMBER' });
    expect(await verifyAccessToken(token, new TextEncoder().encode('another-secret-that-is-long-enough-012345'))).toBeUndefined();
    const expired = (await signAccessToken({ id: 'u1', role: 'MEMBER' }, secret, -10)).token;
    expect(await verifyAccessToken(expired, secret)).toBeUndefined();
  });
});

describe('token memo', () => {
  // Only the clock is faked (Date for us and for jose); timers and promises stay real.
  beforeEach(() =>
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'clearTimeout', 'clearInterval'] }),
  );
  afterEach(() => jest.useRealTimers());
  const at = (ms: number) => jest.setSystemTime(ms);

  it('reuses a service token for the same identity for half its life, and signs a new one after', async () => {
    const start = Date.now();
    const ada = { caller: 'gateway', user: { id: 'ada', role: 'MEMBER' as const }, clientIp: '203.0.113.7' };
    const first = await signServiceToken(ada, current);
    at(start + 29_000);
    expect(await signServiceToken({ ...ada, user: { ...ada.user } }, current)).toBe(first);
    // Any difference in the identity is another token.
    expect(await signServiceToken({ ...ada, clientIp: '203.0.113.8' }, current)).not.toBe(first);
    expect(await signServiceToken({ ...ada, user: { id: 'ada', role: 'ADMIN' } }, current)).not.toBe(first);
    expect(await signServiceToken({ ...ada, user: { id: 'bob', role: 'MEMBER' } }, current)).not.toBe(first);
    at(start + 31_000);
    const renewed = await signServiceToken(ada, current);
    expect(renewed).not.toBe(first);
    expect(await verifyServiceToken(renewed, current)).toEqual(ada);
  });

  it('gives calls that arrive while the token is being signed that one token, across a second boundary', async () => {
    const start = Date.now();
    const cleo = { caller: 'gateway', user: { id: 'cleo', role: 'MEMBER' as const } };
    // 20 calls 100 ms apart, none waiting for the one before: before the signing was shared, each
    // signed its own and the `iat` second changed twice among them (three different tokens).
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 20; i++) {
      at(start + i * 100);
      calls.push(signServiceToken(cleo, current));
    }
    const tokens = new Set(await Promise.all(calls));
    expect(tokens.size).toBe(1);
    expect(await verifyServiceToken([...tokens][0], current)).toEqual({ ...cleo, clientIp: undefined });
  });

  it('never answers from memory for a token that has expired since it was verified', async () => {
    const start = Date.now();
    const token = await signServiceToken({ caller: 'payment-test' }, previous);
    expect(await verifyServiceToken(token, previous)).toEqual({ caller: 'payment-test', user: undefined, clientIp: undefined });
    at(start + 59_000);
    expect(await verifyServiceToken(token, previous)).toMatchObject({ caller: 'payment-test' });
    at(start + 61_500);
    expect(await verifyServiceToken(token, previous)).toBeUndefined();
    // Verified under one key set, the token means nothing to another.
    at(start);
    expect(await verifyServiceToken(token, current)).toBeUndefined();
  });

  it('forgets an access token when it expires', async () => {
    const secret = new TextEncoder().encode('memo-secret-that-is-long-enough-0123456789');
    const start = Date.now();
    const { token } = await signAccessToken({ id: 'u1', role: 'MEMBER' }, secret, 60);
    expect(await verifyAccessToken(token, secret)).toEqual({ id: 'u1', role: 'MEMBER' });
    at(start + 61_000);
    expect(await verifyAccessToken(token, secret)).toBeUndefined();
  });
});
