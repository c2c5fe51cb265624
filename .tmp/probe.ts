import { gql } from '../test/support/client';
import { startPlatform } from '../test/support/platform';
import { percentile } from '../scripts/bench/load';
(async () => {
  const lots = '10000000';
  const platform = await startPlatform({ basePort: 43000, env: { GATEWAY_PORT: '43100', EMBEDDED_PG_PORT: '43090', LOG_LEVEL: 'warn', AMQP_URL: '', RATE_LIMIT_AUTH_PER_IP: lots, RATE_LIMIT_AUTH_PER_EMAIL: lots, RATE_LIMIT_ANONYMOUS_PER_MINUTE: lots, RATE_LIMIT_MUTATIONS_PER_MINUTE: lots } });
  const url = platform.gatewayUrl;
  const authUrl = platform.serviceUrl('auth');
  try {
    await gql(url, 'mutation { register(input: {email: "p@example.com", password: "probe-password-1", name: "P"}) { accessToken } }');
    for (const [name, q] of [
      ['logout x200', 'mutation { logout(refreshToken: "nope") }'],
      ['login x200', 'mutation { login(input: {email: "p@example.com", password: "probe-password-1"}) { accessToken } }'],
      ['logout x200', 'mutation { logout(refreshToken: "nope") }'],
    ]) {
      const ms: number[] = []; const codes = new Map<string, number>();
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 200 }, async () => { const t = performance.now(); const r = await gql(url, q); ms.push(performance.now() - t); const c = r.errors?.[0]?.extensions?.code ?? 'ok'; codes.set(c, (codes.get(c) ?? 0) + 1); }));
      console.log(name, 'all done in', (performance.now() - t0).toFixed(0), 'p50', percentile(ms, 50).toFixed(0), 'p99', percentile(ms, 99).toFixed(0), [...codes]);
      await new Promise((r) => setTimeout(r, 12000));
    }
  } finally { await platform.stop(); }
})();
