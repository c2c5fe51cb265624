import { initTestApp, type TestApp } from '@wsb/kernel/src/testing';
import type { AuthConfig } from '../src/config';
import type { Loaders } from '../src/context';
import type { AuthServices } from '../src/services';
import { authSubgraph } from '../src/subgraph';
import { stubUserSubgraph } from './helpers';

const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
const fromIp = (clientIp: string) => ({ caller: 'gateway', clientIp });
let app: TestApp<Loaders, AuthConfig, AuthServices>;

beforeAll(async () => {
  app = await initTestApp(authSubgraph, {
    subgraphs: stubUserSubgraph().client,
    env: { RATE_LIMIT_AUTH_PER_EMAIL: '3', RATE_LIMIT_AUTH_PER_IP: '5' },
  });
});
afterAll(() => app.close());

const code = async (query: string, input: object, ip: string) => (await app.run(query, { input }, fromIp(ip))).errors?.[0]?.extensions?.code ?? 'OK';

describe('brute force against login and register', () => {
  it('stops guessing one account after RATE_LIMIT_AUTH_PER_EMAIL attempts, from any address', async () => {
    const codes = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) {
      codes.push(await code(LOGIN, { email: 'Victim@example.com', password: 'guess-guess' }, ip));
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    const limited = await app.run(LOGIN, { input: { email: 'victim@example.com', password: 'x' } }, fromIp('203.0.113.9'));
    expect(limited.errors?.[0].extensions?.retryAfter).toBeGreaterThan(800);
  });

  it('stops one address spraying many accounts after RATE_LIMIT_AUTH_PER_IP attempts', async () => {
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await code(LOGIN, { email: `user${i}@example.com`, password: 'guess-guess' }, '198.51.100.7'));
    expect(codes).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    // Registering from that address is refused too; another address is not affected.
    expect(await code(REGISTER, { email: 'new@example.com', password: 'long-enough-1', name: 'N' }, '198.51.100.7')).toBe('RATE_LIMITED');
    expect(await code(REGISTER, { email: 'new@example.com', password: 'long-enough-1', name: 'N' }, '198.51.100.8')).toBe('OK');
  });

  it('counts clients only: a platform service (./dev.sh seed) registers and logs in past the limits', async () => {
    const asSeed = { caller: 'seed' };
    const codes = [];
    for (let i = 0; i < 8; i++) {
      const input = { email: `member${i}@demo.example`, password: 'demo-password-1', name: `Member ${i}` };
      codes.push((await app.run(REGISTER, { input }, asSeed)).errors?.[0]?.extensions?.code ?? 'OK');
      codes.push((await app.run(LOGIN, { input: { email: input.email, password: input.password } }, asSeed)).errors?.[0]?.extensions?.code ?? 'OK');
    }
    expect(codes).toEqual(Array(16).fill('OK'));
    // The same attempts through the gateway are still counted.
    const viaGateway = [];
    for (let i = 0; i < 6; i++) viaGateway.push(await code(LOGIN, { email: `member${i}@demo.example`, password: 'wrong-guess' }, '192.0.2.44'));
    expect(viaGateway).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });
});
