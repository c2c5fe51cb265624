/**
 * The platform's services: read from services.json at the repository root, the one list that
 * dev.sh, the kernel, the gateway, scripts and tests all read (no other file lists them).
 * This module imports nothing else, so scripts and tests load it without the rest of the kernel.
 */
import registry from '../../../services.json';

/**
 * The subgraphs' names, as a type the compiler checks every Record<ServiceName, …> against.
 * It must name services.json's subgraphs in the same order: this module refuses to load otherwise.
 */
export const SERVICE_NAMES = ['auth', 'user', 'workspace', 'booking', 'payment', 'notification', 'reporting', 'admin'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
/** A process of the platform: a subgraph or the gateway. */
export type ProcessName = ServiceName | 'gateway';

export interface ServiceEntry {
  name: ProcessName;
  subgraph: boolean;
  /** Its port unless portEnv says otherwise. */
  port: number;
  portEnv: string;
  /** The setting with its base URL (no /graphql), read by every process that calls it; null for the gateway. */
  urlEnv: string | null;
  /** Its database is <DB_NAME_PREFIX>_<database>; null when it has none. */
  database: string | null;
  /** The setting that overrides its whole database URL. */
  databaseUrlEnv: string | null;
}

export const SERVICES: readonly ServiceEntry[] = registry.services as ServiceEntry[];

const subgraphNames = SERVICES.filter((s) => s.subgraph).map((s) => s.name);
if (subgraphNames.join() !== SERVICE_NAMES.join() || !SERVICES.some((s) => s.name === 'gateway')) {
  throw new Error(
    `services.json names the subgraphs ${subgraphNames.join(', ')} and SERVICE_NAMES in packages/kernel/src/services.ts ` +
      `${SERVICE_NAMES.join(', ')}; they must be the same, in the same order, and services.json must have the gateway`,
  );
}

/** The first subgraph's default port; the others, and the gateway, sit at fixed distances from it. */
export const BASE_PORT = Math.min(...SERVICES.map((s) => s.port));

export function serviceEntry(name: ProcessName): ServiceEntry {
  const entry = SERVICES.find((s) => s.name === name);
  if (!entry) throw new Error(`unknown service '${name}' (services.json names ${SERVICES.map((s) => s.name).join(', ')})`);
  return entry;
}

export const DEFAULT_PORTS = Object.fromEntries(SERVICES.map((s) => [s.name, s.port])) as Record<ProcessName, number>;

/**
 * Its port in a platform laid out like the defaults from another base port: subgraphs at
 * basePort + 0..7 and the gateway at basePort + 1000 (what the end-to-end tests and the bench use).
 */
export function portOf(name: ProcessName, basePort = BASE_PORT): number {
  return basePort + serviceEntry(name).port - BASE_PORT;
}

/** A subgraph's base URL (no /graphql, no trailing /): its <NAME>_SERVICE_URL, else localhost on its default port. */
export function serviceUrl(name: ServiceName, env: Record<string, string | undefined> = process.env): string {
  return (env[serviceEntry(name).urlEnv!] || `http://localhost:${DEFAULT_PORTS[name]}`).replace(/\/+$/, '');
}

/** A subgraph's database name on the shared server: <prefix>_<database>. */
export function databaseName(name: ServiceName, prefix = 'wsb'): string {
  return `${prefix}_${serviceEntry(name).database}`;
}

/** What dev.sh calls a process (and names its pid and log files): <name>-service, or gateway. */
export function processName(name: ProcessName): string {
  return serviceEntry(name).subgraph ? `${name}-service` : name;
}

/** The workspace directory of a process. */
export function serviceDir(name: ProcessName): string {
  return serviceEntry(name).subgraph ? `subgraphs/${name}` : name;
}

/**
 * The settings that put every subgraph of a platform laid out from basePort (as in portOf) on its
 * port: <NAME>_SERVICE_PORT, and <NAME>_SERVICE_URL for those that call it.
 */
export function subgraphPortEnv(basePort: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of SERVICE_NAMES) {
    const { portEnv, urlEnv } = serviceEntry(name);
    env[portEnv] = String(portOf(name, basePort));
    env[urlEnv!] = `http://localhost:${portOf(name, basePort)}`;
  }
  return env;
}
