/**
 * Prometheus metrics (prom-client), one registry per process, served at /metrics on each
 * subgraph's port (reached only inside the platform) and on the gateway's separate metrics port.
 * Counters here are also what the CI guard counts: SQL statements and calls between services.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServiceName } from './config';
import { currentRequest } from './request-scope';
import type { ServiceClient } from './service-client';

export interface Metrics {
  registry: Registry;
  /** Every SQL statement this process sent to its database (BEGIN and COMMIT included). */
  sqlStatements: Counter;
  /** Calls to other services, by target service and outcome (ok, error). */
  serviceCalls: Counter<'target' | 'outcome'>;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    sqlStatements: new Counter({ name: 'wsb_sql_statements_total', help: 'SQL statements sent to the database.', registers: [registry] }),
    serviceCalls: new Counter({
      name: 'wsb_service_calls_total',
      help: 'GraphQL calls to another service, by target and outcome.',
      labelNames: ['target', 'outcome'],
      registers: [registry],
    }),
  };
}

/** Counts every statement the ORM's connection pool runs, transactions' included, for the process and for the request that ran it. */
export function countSqlStatements(orm: MikroORM, metrics: Metrics): void {
  orm.em.getConnection().getKnex().on('query', () => {
    metrics.sqlStatements.inc();
    const request = currentRequest();
    if (request) request.sql += 1;
  });
}

/** The same client, with each call counted by target and outcome. */
export function countedServiceClient(client: ServiceClient, metrics: Metrics): ServiceClient {
  return {
    ...client,
    async request(service: ServiceName, ...rest: any[]) {
      try {
        const result = await (client.request as (...args: any[]) => Promise<unknown>)(service, ...rest);
        metrics.serviceCalls.inc({ target: service, outcome: 'ok' });
        return result as never;
      } catch (err) {
        metrics.serviceCalls.inc({ target: service, outcome: 'error' });
        throw err;
      }
    },
  } as ServiceClient;
}
