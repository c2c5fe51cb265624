/**
 * docker-compose.yml and the Dockerfile are for users' machines (there is no Docker engine in CI),
 * so this test is their safety net: every process is declared, on its port, runs its build as one
 * plain node process, is health-checked, and is wired to the services it calls; the image is
 * multi-stage, holds only production dependencies and compiled output, and runs as non-root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { DEFAULT_PORTS, SERVICE_NAMES, SERVICES, serviceDir, serviceEntry } from '../packages/kernel/src/services';

type Service = {
  build?: unknown;
  image?: string;
  command?: string[] | string;
  ports?: string[];
  environment?: Record<string, string | null> | string[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
};

const compose = YAML.parse(readFileSync(resolve(__dirname, '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const services = compose.services;

/** Every process of services.json on its default port: the compose file is static, so checked against it here. */
const APP_PORTS: Record<string, number> = DEFAULT_PORTS;
const INFRA = ['postgres', 'redis', 'rabbitmq'];

function envOf(svc: Service): Record<string, string | null> {
  const env = svc.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(
    env.map((kv) => {
      const i = kv.indexOf('=');
      return i < 0 ? [kv, null] : [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

describe('docker-compose.yml', () => {
  it('declares the nine app services and postgres, redis, rabbitmq', () => {
    expect(Object.keys(APP_PORTS)).toHaveLength(9);
    for (const name of [...Object.keys(APP_PORTS), ...INFRA]) {
      expect(services).toHaveProperty([name]);
    }
    // and no app service services.json does not know
    expect(
      Object.keys(services)
        .filter((name) => !INFRA.includes(name))
        .sort(),
    ).toEqual(Object.keys(APP_PORTS).sort());
  });

  it.each(Object.entries(APP_PORTS))('%s publishes port %i and runs its own build with plain node', (name, port) => {
    const svc = services[name];
    expect(svc.ports).toContain(`${port}:${port}`);
    expect(svc.build ?? svc.image).toBeDefined();
    const dir = serviceDir(name as keyof typeof DEFAULT_PORTS);
    // One node process: node [flags] <dir>/dist/index.js (what npm run build writes from <dir>/src/index.ts).
    expect(Array.isArray(svc.command)).toBe(true);
    const command = svc.command as string[];
    expect(command[0]).toBe('node');
    expect(command.at(-1)).toBe(`${dir}/dist/index.js`);
    expect(command.slice(1, -1).every((arg) => arg.startsWith('--'))).toBe(true);
    expect(command.join(' ')).not.toMatch(/tsx|ts-node|npm/);
    expect(existsSync(resolve(__dirname, '..', dir, 'src/index.ts'))).toBe(true);
    // Its readiness check asks its own port.
    expect([svc.healthcheck?.test].flat().join(' ')).toContain(`:${port}/ready`);
  });

  it('has a healthcheck on every service', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect({ name, test: svc.healthcheck?.test }).toEqual({ name, test: expect.anything() });
    }
  });

  it('wires booking to the services it calls', () => {
    const env = envOf(services.booking);
    expect(env).toMatchObject({
      USER_SERVICE_URL: 'http://user:3001',
      WORKSPACE_SERVICE_URL: 'http://workspace:3002',
      PAYMENT_SERVICE_URL: 'http://payment:3004',
      NOTIFICATION_SERVICE_URL: 'http://notification:3005',
      REPORTING_SERVICE_URL: 'http://reporting:3006',
    });
  });

  it("gives every app service every subgraph's URL setting, on that subgraph's container and port", () => {
    const urls = Object.fromEntries(SERVICE_NAMES.map((name) => [serviceEntry(name).urlEnv!, `http://${name}:${DEFAULT_PORTS[name]}`]));
    for (const { name } of SERVICES) expect({ name, env: envOf(services[name]) }).toMatchObject({ name, env: urls });
  });

  it('starts the gateway once every subgraph is healthy', () => {
    expect(Object.keys(services.gateway.depends_on ?? {}).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('gives every app service its database, Redis, RabbitMQ and secrets', () => {
    for (const name of Object.keys(APP_PORTS)) {
      const env = envOf(services[name]);
      expect(env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.*@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.AMQP_URL).toMatch(/^amqp:\/\/.*@rabbitmq:5672/);
      expect(env.JWT_SECRET).toBeTruthy();
      expect(env.SERVICE_JWT_KEYS).toBeTruthy();
    }
  });

  it('starts app services only once their dependencies are healthy', () => {
    for (const name of Object.keys(APP_PORTS)) {
      const deps = services[name].depends_on;
      expect(deps && !Array.isArray(deps)).toBe(true);
      for (const dep of Object.values(deps as Record<string, { condition?: string }>)) {
        expect(dep.condition).toBe('service_healthy');
      }
    }
    expect(Object.keys(services.auth.depends_on ?? {})).toEqual(expect.arrayContaining(INFRA));
  });
});

/** The Dockerfile's stages: name and instructions (continuation lines joined, comments dropped). */
function dockerStages(): { name: string; from: string; instructions: string[] }[] {
  const text = readFileSync(resolve(__dirname, '..', 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: { name: string; from: string; instructions: string[] }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1], name: from[2] ?? `stage${stages.length}`, instructions: [] });
    else stages.at(-1)?.instructions.push(line.replace(/\s+/g, ' '));
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages();
  const runtime = stages.at(-1)!;
  const named = (name: string) => stages.find((s) => s.name === name);
  const copiesFrom = (stage: { instructions: string[] }) => stage.instructions.flatMap((i) => /^COPY\s+--from=(\S+)/i.exec(i)?.[1] ?? []);

  it('builds and runs on a supported Node LTS (22 or 24), the same in every stage', () => {
    const images = new Set(stages.map((s) => s.from));
    expect(images.size).toBe(1);
    expect([...images][0]).toMatch(/^node:(22|24)(\.[\d.]+)?-/);
  });

  it('is multi-stage: a build stage with dev dependencies runs npm run build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const builders = stages.filter((s) => s.instructions.some((i) => /^RUN .*npm run build/.test(i)));
    expect(builders.length).toBe(1);
    const builder = builders[0];
    expect(builder).not.toBe(runtime);
    // All dependencies there (the build needs esbuild): npm ci without --omit=dev.
    expect(builder.instructions.some((i) => /^RUN .*npm ci(?!.*--omit=dev)/.test(i))).toBe(true);
    expect(copiesFrom(runtime)).toContain(builder.name);
  });

  it('runtime image: only production dependencies and compiled output', () => {
    // COPY --from=<stage> <path> <dest>: the copies that bring a node_modules (a stage's whole
    // work dir, or node_modules itself) must come from stages that installed with --omit=dev.
    const copies = runtime.instructions.flatMap((i) => {
      const m = /^COPY\s+(?:--chown=\S+\s+)?--from=(\S+)\s+(?:--chown=\S+\s+)?(\S+)\s+(\S+)$/i.exec(i);
      return m ? [{ stage: named(m[1])!, path: m[2] }] : [];
    });
    const withModules = copies.filter(({ stage, path }) => {
      const workdir =
        stage.instructions
          .filter((i) => /^WORKDIR /.test(i))
          .map((i) => i.split(' ')[1])
          .at(-1) ?? '/';
      return /node_modules/.test(path) || path.replace(/\/+$/, '') === workdir.replace(/\/+$/, '');
    });
    expect(withModules.length).toBeGreaterThan(0);
    for (const { stage } of withModules) {
      const installs = stage.instructions.filter((i) => /npm (ci|install)/.test(i));
      expect({ stage: stage.name, installs }).toEqual({ stage: stage.name, installs: [expect.stringMatching(/npm ci .*--omit=dev/)] });
    }
    // No sources copied in: nothing from the build context, only from other stages.
    expect(runtime.instructions.filter((i) => /^(COPY|ADD)\b/i.test(i) && !/--from=/.test(i))).toEqual([]);
    expect(runtime.instructions.join('\n')).not.toMatch(/tsx/);
    expect(runtime.instructions).toContain('ENV NODE_ENV=production');
  });

  it('runs as a non-root user, starts one node process from the build, and has a HEALTHCHECK on /health', () => {
    const users = runtime.instructions.filter((i) => /^USER /.test(i)).map((i) => i.split(' ')[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const userAt = runtime.instructions.findIndex((i) => /^USER /.test(i));
    const cmdAt = runtime.instructions.findIndex((i) => /^CMD /.test(i));
    expect(userAt).toBeGreaterThanOrEqual(0);
    expect(userAt).toBeLessThan(cmdAt);
    const cmd = JSON.parse(runtime.instructions[cmdAt].slice(4)) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('gateway/dist/index.js');

    // It exposes every port of services.json, and its healthcheck script reads services.json, so the image holds it.
    const exposed = runtime.instructions.filter((i) => /^EXPOSE /.test(i)).flatMap((i) => i.split(' ').slice(1).map(Number));
    expect(exposed.sort()).toEqual(Object.values(DEFAULT_PORTS).sort());
    expect(stages.find((s) => s.instructions.some((i) => /^RUN .*npm run build/.test(i)))!.instructions.join('\n')).toMatch(/tar -cf - .*\bservices\.json\b/);

    const healthcheck = runtime.instructions.find((i) => /^HEALTHCHECK /.test(i));
    expect(healthcheck).toBeDefined();
    const script = /CMD \["node", "([^"]+)"/.exec(healthcheck!)?.[1];
    expect(script).toBeDefined();
    // The script it runs is in the image (copied from the build stage) and asks /health.
    expect(readFileSync(resolve(__dirname, '..', script!), 'utf8')).toContain('/health');
    const builder = stages.find((s) => s.instructions.some((i) => /^RUN .*npm run build/.test(i)))!;
    expect(builder.instructions.join('\n')).toContain(script!);
  });
});
