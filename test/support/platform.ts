/**
 * Runs a private copy of the whole platform with the README's command (`./dev.sh start all`) on
 * ports of its own, with its own run directory and database names, so it never collides with a
 * platform a developer already has running.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Client } from 'pg';
import { BOOKING_EVENTS_EXCHANGE, BOOKING_EVENT_QUEUES } from '@wsb/booking-events';
import { databaseName, portOf, processName, SERVICE_NAMES, serviceEntry, subgraphPortEnv, type ServiceName } from '../../packages/kernel/src/services';

const run = promisify(execFile);
export const ROOT = resolve(__dirname, '../..');
export type Service = ServiceName;
/** The subgraphs, and every process (the subgraphs, then the gateway), as services.json lists them. */
export const SUBGRAPHS: readonly Service[] = SERVICE_NAMES;
export const PROCESSES: readonly (Service | 'gateway')[] = [...SERVICE_NAMES, 'gateway'];
export { processName };

export interface Platform {
  env: NodeJS.ProcessEnv;
  /** The PostgreSQL server the platform's databases live on. */
  serverUrl: string;
  /** Names of this platform's RabbitMQ exchange and queues start with this (when AMQP_URL is set). */
  amqpPrefix: string;
  /** dev.sh's run directory (WSB_RUN_DIR) of this platform: pids/, logs/. */
  runDir: string;
  /** The process id dev.sh recorded for a service (its node process, leader of its own session), if it runs. */
  pidOf(service: Service | 'gateway'): number | undefined;
  gatewayUrl: string;
  serviceUrl(service: Service): string;
  dev(...args: string[]): Promise<string>;
  /** Runs SQL against one subgraph's own database. */
  sql<T = Record<string, unknown>>(service: Service, text: string, values?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** The env under which the auth service creates this administrator at start-up. */
export function bootstrapAdminEnv(admin: { email: string; password: string }): Record<string, string> {
  return { BOOTSTRAP_ADMIN_EMAIL: admin.email, BOOTSTRAP_ADMIN_PASSWORD: admin.password };
}

export async function startPlatform(options: {
  basePort: number;
  env?: Record<string, string>;
  /** Start the platform's own embedded PostgreSQL even when DATABASE_URL is set (a test that stops the database). */
  embeddedDatabase?: boolean;
}): Promise<Platform> {
  // WSB_E2E_PORT_OFFSET moves every port, so two checkouts can run their end-to-end tests at once.
  const basePort = options.basePort + Number(process.env.WSB_E2E_PORT_OFFSET ?? 0);
  const runDir = mkdtempSync(join(tmpdir(), 'wsb-e2e-'));
  // An embedded PostgreSQL runs as the postgres user, which must reach its data dir in here.
  chmodSync(runDir, 0o755);
  const prefix = `wsb_e2e_${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WSB_RUN_DIR: runDir,
    DB_NAME_PREFIX: prefix,
    RATE_LIMIT_KEY_PREFIX: prefix,
    // With AMQP_URL set (CI sets it), this platform's exchange and queues are its own.
    AMQP_PREFIX: prefix,
    GATEWAY_PORT: String(portOf('gateway', basePort)),
    GATEWAY_METRICS_PORT: String(basePort + 1050),
    EMBEDDED_PG_PORT: String(basePort + 900),
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    ...options.env,
  };
  if (options.embeddedDatabase) delete env.DATABASE_URL;
  Object.assign(env, subgraphPortEnv(basePort));
  const dev = async (...args: string[]) => {
    const { stdout } = await run(join(ROOT, 'dev.sh'), args, { env, cwd: ROOT, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 });
    return stdout;
  };
  try {
    await dev('start', 'all');
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    await dev('stop', 'all').catch(() => undefined);
    throw new Error(`./dev.sh start all failed:\n${e.stdout}\n${e.stderr}`);
  }
  // Without DATABASE_URL, dev.sh started an embedded server and wrote its URL here.
  const serverUrl = env.DATABASE_URL ?? readFileSync(join(runDir, 'pids/embedded-postgres.ready'), 'utf8').trim();
  const dbUrl = (service: Service) => {
    const url = new URL(serverUrl);
    url.pathname = `/${databaseName(service, prefix)}`;
    return url.toString();
  };
  return {
    env,
    runDir,
    serverUrl,
    amqpPrefix: env.AMQP_PREFIX ?? '',
    pidOf(service) {
      try {
        return Number(readFileSync(join(runDir, 'pids', `${processName(service)}.pid`), 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
    gatewayUrl: `http://localhost:${env.GATEWAY_PORT}`,
    serviceUrl: (service) => env[serviceEntry(service).urlEnv!]!,
    dev,
    async sql(service, text, values) {
      const client = new Client({ connectionString: dbUrl(service) });
      await client.connect();
      try {
        return (await client.query(text, values as never[])).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await dev('stop', 'all').catch(() => undefined);
      if (env.DATABASE_URL) {
        const admin = new Client({ connectionString: serverUrl });
        await admin.connect();
        for (const service of SERVICE_NAMES) await admin.query(`drop database if exists "${databaseName(service, prefix)}" with (force)`);
        await admin.end();
      }
      if (env.AMQP_URL && env.AMQP_PREFIX) await deleteBrokerTopology(env.AMQP_URL, env.AMQP_PREFIX).catch(() => undefined);
      // WSB_E2E_KEEP_RUN_DIR=1 keeps the run directory (its logs) for a look after a failure.
      if (process.env.WSB_E2E_KEEP_RUN_DIR) console.log(`run directory kept: ${runDir}`);
      else rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** Removes one platform's exchange and queues (retry and dead-letter ones too) from the broker. */
async function deleteBrokerTopology(url: string, prefix: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const { queue } of Object.values(BOOKING_EVENT_QUEUES)) {
      for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${prefix}.${queue}${suffix}`);
    }
    await channel.deleteExchange(`${prefix}.${BOOKING_EVENTS_EXCHANGE}`);
  } finally {
    await connection.close();
  }
}
