/**
 * services.json is the one list of the platform's services. This test holds it to that: it is
 * well-formed and matches the subgraphs on disk and SERVICE_NAMES; the kernel's configuration,
 * dev.sh and .env.example take their names, ports and settings from it; and no code file keeps a
 * copy of its own (a list naming every subgraph, a hard-coded localhost port of one, a setting
 * name put together by hand). rover.yaml and docker-compose.yml are checked against it by
 * composition.test.ts and docker-compose.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSubgraphConfig } from '../packages/kernel/src/config';
import {
  BASE_PORT,
  databaseName,
  DEFAULT_PORTS,
  portOf,
  processName,
  SERVICE_NAMES,
  SERVICES,
  serviceDir,
  serviceEntry,
  serviceUrl,
  subgraphPortEnv,
} from '../packages/kernel/src/services';
import { ROOT } from './support/platform';

const json = JSON.parse(readFileSync(join(ROOT, 'services.json'), 'utf8')) as { services: Record<string, unknown>[] };
const SUBGRAPH_ENTRIES = SERVICES.filter((s) => s.subgraph);

describe('services.json', () => {
  it('is what the kernel module serves, and SERVICE_NAMES names its subgraphs in order', () => {
    expect(SERVICES).toEqual(json.services);
    expect(SUBGRAPH_ENTRIES.map((s) => s.name)).toEqual([...SERVICE_NAMES]);
    expect(SERVICES.filter((s) => !s.subgraph).map((s) => s.name)).toEqual(['gateway']);
  });

  it('gives every service a distinct name and port, and its settings their conventional names', () => {
    expect(new Set(SERVICES.map((s) => s.name)).size).toBe(SERVICES.length);
    expect(new Set(SERVICES.map((s) => s.port)).size).toBe(SERVICES.length);
    for (const s of SUBGRAPH_ENTRIES) {
      const upper = s.name.toUpperCase();
      expect(s).toEqual({
        name: s.name,
        subgraph: true,
        port: expect.any(Number),
        portEnv: `${upper}_SERVICE_PORT`,
        urlEnv: `${upper}_SERVICE_URL`,
        database: s.name,
        databaseUrlEnv: `${upper}_DATABASE_URL`,
      });
    }
    expect(serviceEntry('gateway')).toEqual({
      name: 'gateway',
      subgraph: false,
      port: 4000,
      portEnv: 'GATEWAY_PORT',
      urlEnv: null,
      database: null,
      databaseUrlEnv: null,
    });
  });

  it('names exactly the subgraphs in subgraphs/, each with its entry point, schema and definition', () => {
    expect(readdirSync(join(ROOT, 'subgraphs')).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const s of SERVICES) {
      expect(existsSync(join(ROOT, serviceDir(s.name), 'src/index.ts'))).toBe(true);
      if (s.subgraph) {
        expect(existsSync(join(ROOT, serviceDir(s.name), 'schema.graphql'))).toBe(true);
        expect(readFileSync(join(ROOT, serviceDir(s.name), 'src/subgraph.ts'), 'utf8')).toContain(`name: '${s.name}'`);
      }
    }
  });
});

describe('the registry helpers', () => {
  it('lay a platform out from any base port as the defaults are laid out', () => {
    expect(BASE_PORT).toBe(3000);
    expect(SERVICES.map((s) => portOf(s.name))).toEqual(SERVICES.map((s) => s.port));
    expect(portOf('auth', 13900)).toBe(13900);
    expect(portOf('admin', 13900)).toBe(13907);
    expect(portOf('gateway', 13900)).toBe(14900);
    expect(subgraphPortEnv(13900)).toMatchObject({ BOOKING_SERVICE_PORT: '13903', BOOKING_SERVICE_URL: 'http://localhost:13903' });
    expect(Object.keys(subgraphPortEnv(13900))).toHaveLength(2 * SERVICE_NAMES.length);
  });

  it('read a URL setting, else the default port; name databases and processes', () => {
    expect(serviceUrl('payment', {})).toBe(`http://localhost:${DEFAULT_PORTS.payment}`);
    expect(serviceUrl('payment', { PAYMENT_SERVICE_URL: 'http://pay:9/' })).toBe('http://pay:9');
    expect(databaseName('booking')).toBe('wsb_booking');
    expect(databaseName('booking', 'wsb_e2e_1')).toBe('wsb_e2e_1_booking');
    expect(processName('booking')).toBe('booking-service');
    expect(processName('gateway')).toBe('gateway');
    expect(() => serviceEntry('nope' as never)).toThrow("unknown service 'nope'");
  });

  it("are what a subgraph's configuration reads", () => {
    const defaults = readSubgraphConfig('booking', {});
    expect(defaults.port).toBe(DEFAULT_PORTS.booking);
    expect(new URL(defaults.databaseUrl).pathname).toBe('/wsb_booking');
    expect(defaults.serviceUrls).toEqual(Object.fromEntries(SERVICE_NAMES.map((n) => [n, `http://localhost:${DEFAULT_PORTS[n]}`])));
    const moved = readSubgraphConfig('booking', { ...subgraphPortEnv(13900), DB_NAME_PREFIX: 'wsb_x' });
    expect(moved.port).toBe(13903);
    expect(new URL(moved.databaseUrl).pathname).toBe('/wsb_x_booking');
    expect(moved.serviceUrls.admin).toBe('http://localhost:13907');
    expect(readSubgraphConfig('booking', { BOOKING_DATABASE_URL: 'postgres://h/own' }).databaseUrl).toBe('postgres://h/own');
  });
});

describe('the copies that must stay static files', () => {
  it('.env.example documents every service setting with its default', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const s of SERVICES) {
      expect(example).toContain(`# ${s.portEnv}=${s.port}\n`);
      if (s.urlEnv) expect(example).toContain(`# ${s.urlEnv}=http://localhost:${s.port}\n`);
      if (s.databaseUrlEnv) expect(example).toContain(`# ${s.databaseUrlEnv}=\n`);
    }
  });

  it('dev.sh takes its services from services.json', () => {
    const usage = execFileSync(join(ROOT, 'dev.sh'), ['help'], { cwd: ROOT, encoding: 'utf8' });
    expect(usage).toContain(`Services: ${SERVICES.map((s) => processName(s.name)).join(' ')}, and embedded-postgres`);
    expect(readFileSync(join(ROOT, 'dev.sh'), 'utf8')).toContain('services.json');
  });
});

/** The code files of the repository (tracked, or new and not ignored), but the registry, this test (its samples) and generated code. */
function codeFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|mjs|cjs|js|sh)$/.test(f) || f === 'dev.sh')
    .filter((f) => !/(^|\/)(__generated__|dist|node_modules)\//.test(f) && !['packages/kernel/src/services.ts', 'test/service-registry.test.ts'].includes(f))
    .filter((f) => existsSync(join(ROOT, f)));
}

/** Where a file keeps its own copy of the registry. */
function registryCopies(text: string): string[] {
  const found: string[] = [];
  const names = new RegExp(`\\b(${SERVICE_NAMES.join('|')})\\b`, 'g');
  // A list (array, bash array, argument list, or a string) that names every subgraph.
  for (const group of text.matchAll(/\[[^[\]]*\]|\([^()]*\)|'[^'\n]*'|"[^"\n]*"/g)) {
    const named = new Set([...group[0].matchAll(names)].map((m) => m[1]));
    if (named.size === SERVICE_NAMES.length) found.push(`a list of every subgraph: ${group[0].replace(/\s+/g, ' ').slice(0, 80)}`);
  }
  // A service's default port at localhost.
  for (const m of text.matchAll(/localhost:(\d+)\b/g)) {
    if (SERVICES.some((s) => s.port === Number(m[1]))) found.push(`a default port: ${m[0]}`);
  }
  // A setting's name put together from a service's name instead of read from services.json.
  for (const m of text.matchAll(/(?:toUpperCase\(\)\}?|upper "\$\w+"\)?)\s*_?(?:SERVICE_URL|SERVICE_PORT|DATABASE_URL|_SERVICE)\b/g))
    found.push(`a setting name made by hand: ${m[0]}`);
  return found;
}

describe('no copy of the registry', () => {
  it('finds the copies it looks for', () => {
    expect(registryCopies(`const S = ['auth', 'user', 'workspace', 'booking', 'payment',\n 'notification', 'reporting', 'admin'];`)).toHaveLength(1);
    expect(registryCopies('SUBGRAPHS=(auth user workspace booking payment notification reporting admin)')).toHaveLength(1);
    expect(registryCopies("const AUTH = env.AUTH_SERVICE_URL ?? 'http://localhost:3000';")).toHaveLength(1);
    expect(registryCopies('env[`${service.toUpperCase()}_SERVICE_URL`]')).toHaveLength(1);
    expect(registryCopies("const CHAOS = ['booking', 'payment', 'user'];")).toEqual([]);
  });

  it('is in any code file: they read services.json (dev.sh, *.mjs) or packages/kernel/src/services.ts', () => {
    const files = codeFiles();
    expect(files).toEqual(expect.arrayContaining(['dev.sh', 'scripts/healthcheck.mjs', 'test/support/platform.ts', 'packages/kernel/src/config.ts']));
    const copies = files.flatMap((file) => registryCopies(readFileSync(join(ROOT, file), 'utf8')).map((copy) => `${file}: ${copy}`));
    expect(copies).toEqual([]);
  });
});
