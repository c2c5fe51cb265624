import { SignJWT } from 'jose';
import { parseServiceKeys } from '../src/config';
import { signAccessToken, signServiceToken, verifyAccessToken, verifyServiceToken } from '../src/identity';

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
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
      .setSubject('gateway')
      .setIssuer('gateway')
      .setAudience('wsb-subgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 540)
      .sign(secret);
    const wrongAudience = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k2' }).setSubject('gateway').setIssuer('gateway').setAudience('wsb').setIssuedAt().setExpirationTime('1m').sign(secret);
    const userToken = (await signAccessToken({ id: 'u1', role: 'ADMIN' }, secret, 60)).token;
    for (const token of [forged, expired, wrongAudience, userToken, 'not.a.jwt', '']) {
      expect(await verifyServiceToken(token, current)).toBeUndefined();
    }
  });

  it('refuses a token whose end user has a role that does not exist', async () => {
    const token = await new SignJWT({ usr: 'u1', rol: 'ROOT' }).setProtectedHeader({ alg: 'HS256', kid: 'k2' }).setSubject('gateway').setIssuer('gateway').setAudience('wsb-subgraph').setIssuedAt().setExpirationTime('1m').sign(current[0].secret);
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
