/**
 * docker-compose.yml is for users' machines (there is no Docker engine in CI), so this test is
 * its safety net: every process is declared, on its port, health-checked, and wired to the
 * services it calls.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';

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

const APP_PORTS: Record<string, number> = {
  auth: 3000,
  user: 3001,
  workspace: 3002,
  booking: 3003,
  payment: 3004,
  notification: 3005,
  reporting: 3006,
  admin: 3007,
  gateway: 4000,
};
const INFRA = ['postgres', 'redis', 'rabbitmq'];

function envOf(svc: Service): Record<string, string | null> {
  const env = svc.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((kv) => {
    const i = kv.indexOf('=');
    return i < 0 ? [kv, null] : [kv.slice(0, i), kv.slice(i + 1)];
  }));
}

describe('docker-compose.yml', () => {
  it('declares the nine app services and postgres, redis, rabbitmq', () => {
    for (const name of [...Object.keys(APP_PORTS), ...INFRA]) {
      expect(services).toHaveProperty([name]);
    }
  });

  it.each(Object.entries(APP_PORTS))('%s publishes port %i and runs its own entry point', (name, port) => {
    const svc = services[name];
    expect(svc.ports).toContain(`${port}:${port}`);
    expect(svc.build ?? svc.image).toBeDefined();
    const entry = name === 'gateway' ? 'gateway/src/index.ts' : `subgraphs/${name}/src/index.ts`;
    expect([svc.command].flat().join(' ')).toContain(entry);
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
