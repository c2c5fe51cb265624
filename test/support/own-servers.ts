/**
 * A Redis and a RabbitMQ node of a test's own, as child processes on ports of its own, so a test
 * can stop and restart them without touching the machine's servers (which others share).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OwnServer {
  url: string;
  /** Starts it (again, on the same port and data) and resolves once its port accepts connections. */
  start(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after the grace period) and resolves once the port is closed. */
  stop(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function ownServer(options: {
  name: string;
  port: number;
  url: string;
  dir: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  startTimeoutMs: number;
}): OwnServer {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const server: OwnServer = {
    url: options.url,
    async start() {
      if (await portOpen(options.port)) throw new Error(`port ${options.port} is taken: cannot start ${options.name}`);
      const started = spawn(options.command, options.args, { cwd: options.dir, env: { ...process.env, ...options.env }, stdio: 'ignore' });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      await waitFor(
        `${options.name} on port ${options.port}`,
        async () => {
          if (started.exitCode !== null) throw new Error(`${options.name} exited with ${started.exitCode} (files in ${options.dir})`);
          return portOpen(options.port);
        },
        options.startTimeoutMs,
      );
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGTERM');
      const killed = setTimeout(() => running.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killed);
      await waitFor(`${options.name}'s port ${options.port} closed`, async () => !(await portOpen(options.port)), 20_000);
    },
    async dispose() {
      await server.stop().catch(() => undefined);
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** redis-server on `port`, nothing persisted (a restart starts empty, as the machine's CI Redis does). */
export function ownRedis(port: number): OwnServer {
  const dir = mkdtempSync(join(tmpdir(), 'wsb-redis-'));
  return ownServer({
    name: 'Redis',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    startTimeoutMs: 15_000,
  });
}

/**
 * A second RabbitMQ node (its own name, AMQP port, distribution port, Mnesia and log directories,
 * no plugins), started from the packaged script directly: the /usr/sbin wrapper would switch to
 * the rabbitmq user and read the machine node's settings. Its data persists across restarts, as a
 * real broker's does: durable queues and persistent messages survive.
 */
export function ownRabbit(port: number, distPort: number): OwnServer {
  const dir = mkdtempSync(join(tmpdir(), 'wsb-rabbitmq-'));
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`);
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  return ownServer({
    name: 'RabbitMQ',
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    dir,
    command: '/usr/lib/rabbitmq/bin/rabbitmq-server',
    args: [],
    env: {
      RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_NODENAME: `wsb${port}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    },
    // A first boot initialises Mnesia: about 40 s on a busy two-core machine, a restart about 15 s.
    startTimeoutMs: 120_000,
  });
}
