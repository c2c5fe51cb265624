/**
 * GraphQL calls from one platform service to another subgraph, signed with the caller's service
 * identity. Every call has a timeout (5 s by default); a network failure, timeout or 5xx becomes
 * DEPENDENCY_UNAVAILABLE, and an error the other subgraph answered with keeps its code.
 */
import { CircuitBreakers } from './circuit-breaker';
import type { PlatformConfig, ServiceName } from './config';
import { DependencyUnavailableError, DomainError, ERROR_CODES, type ErrorCode } from './errors';
import { signServiceToken, type UserIdentity } from './identity';
import type { Logger } from './logger';
import { currentRequest } from './request-scope';

export interface CallOptions {
  /** The end user the call acts for; omitted for the service acting on its own. */
  user?: UserIdentity;
  timeoutMs?: number;
}

export interface ServiceClient {
  request<T = Record<string, unknown>>(
    service: ServiceName,
    query: string,
    variables?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
  /** The circuit breaker's state for calls to `service`, where the client has one. */
  breakerState?(service: ServiceName): 'closed' | 'open' | 'half-open';
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export function createServiceClient(config: PlatformConfig, caller: string, log: Logger): ServiceClient {
  const breakers = new CircuitBreakers(config.circuitBreaker, log);
  return {
    request<T>(service: ServiceName, query: string, variables: Record<string, unknown> = {}, options: CallOptions = {}) {
      return breakers.run(service, () => send<T>(config, caller, log, service, query, variables, options));
    },
    breakerState: (service) => breakers.state(service),
  };
}

async function send<T>(
  config: PlatformConfig,
  caller: string,
  log: Logger,
  service: ServiceName,
  query: string,
  variables: Record<string, unknown>,
  options: CallOptions,
): Promise<T> {
  const started = Date.now();
  const token = await signServiceToken({ caller, user: options.user }, config.serviceKeys);
  let response: Response;
  let body: GraphQLResponse<T>;
  try {
    response = await fetch(`${config.serviceUrls[service]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...requestIdHeader() },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? config.serviceTimeoutMs),
    });
    body = (await response.json()) as GraphQLResponse<T>;
  } catch (err) {
    log.warn('service call failed', { service, ms: Date.now() - started, err: (err as Error).message });
    throw new DependencyUnavailableError(service);
  }
  const [first] = body.errors ?? [];
  if (first) {
    const code = first.extensions?.code as ErrorCode | undefined;
    if (code && code !== 'INTERNAL_SERVER_ERROR' && (ERROR_CODES as readonly string[]).includes(code)) {
      throw new DomainError(code, first.message);
    }
    log.warn('service call answered with an error', { service, status: response.status, error: first.message });
    throw new DependencyUnavailableError(service);
  }
  if (!response.ok || !body.data) {
    log.warn('service call answered without data', { service, status: response.status });
    throw new DependencyUnavailableError(service);
  }
  log.debug('service call', { service, ms: Date.now() - started });
  return body.data;
}

/** The id of the request this call serves, so one client request has one id in every service's logs. */
function requestIdHeader(): Record<string, string> {
  const request = currentRequest();
  return request ? { 'x-request-id': request.requestId } : {};
}

/** Loads entities of another subgraph by id through its `_entities` field, in the order given. */
export async function fetchEntities<T>(
  client: ServiceClient,
  service: ServiceName,
  typename: string,
  ids: readonly string[],
  selection: string,
  options?: CallOptions,
): Promise<(T | null)[]> {
  const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;
  const data = await client.request<{ _entities: (T | null)[] }>(
    service,
    query,
    { r: ids.map((id) => ({ __typename: typename, id })) },
    options,
  );
  return data._entities;
}

/**
 * Records an admin action in the admin subgraph's audit log. Non-critical: a failure is logged
 * and never fails the admin's request.
 */
export async function recordAdminAudit(
  ctx: { services: ServiceClient; user?: UserIdentity; log: Logger },
  action: string,
  target: string,
): Promise<void> {
  if (!ctx.user) return;
  try {
    await ctx.services.request(
      'admin',
      'mutation ($input: RecordAuditInput!) { _recordAudit(input: $input) { id } }',
      { input: { actorId: ctx.user.id, action, target } },
      { user: ctx.user },
    );
  } catch (err) {
    ctx.log.warn('admin audit not recorded', { action, target, err: (err as Error).message });
  }
}
