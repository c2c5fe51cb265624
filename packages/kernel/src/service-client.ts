/**
 * GraphQL calls from one platform service to another subgraph, signed with the caller's service
 * identity. Every call has a timeout (5 s by default); a network failure, timeout or 5xx becomes
 * DEPENDENCY_UNAVAILABLE, and an error the other subgraph answered with keeps its code.
 *
 * Operations are typed documents generated from src/operations/<target>.graphql (npm run codegen),
 * which `npm run schema:check` validates against the supergraph: a call never names a field the
 * other subgraph no longer has.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { CircuitBreakers } from './circuit-breaker';
import type { PlatformConfig } from './config';
import type { ServiceName } from './services';
import { DependencyUnavailableError, DomainError, ERROR_CODES, type ErrorCode } from './errors';
import { RecordAuditDocument } from './__generated__/operations';
import { signServiceToken, type UserIdentity } from './identity';
import { postText, type HttpAnswer } from './http-client';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { currentRequest } from './request-scope';

export interface CallOptions {
  /** The end user the call acts for; omitted for the service acting on its own. */
  user?: UserIdentity;
  timeoutMs?: number;
}

export interface ServiceClient {
  request<TResult, TVariables extends Record<string, unknown>>(
    service: ServiceName,
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    options?: CallOptions,
  ): Promise<TResult>;
  /** The circuit breaker's state for calls to `service`, where the client has one. */
  breakerState?(service: ServiceName): 'closed' | 'open' | 'half-open';
}

const printed = new WeakMap<DocumentNode, string>();

/** A document's text, printed once per document (generated documents are module constants). */
export function operationText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** `metrics`: the circuit breakers' states and transitions per target (calls are counted by countedServiceClient). */
export function createServiceClient(config: PlatformConfig, caller: string, log: Logger, metrics?: Metrics): ServiceClient {
  const breakers = new CircuitBreakers(config.circuitBreaker, log, metrics);
  return {
    request(service, document, variables, options = {}) {
      return breakers.run(service, () => send(config, caller, log, service, operationText(document), variables, options));
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
  let response: HttpAnswer;
  let body: GraphQLResponse<T>;
  try {
    response = await postText(
      `${config.serviceUrls[service]}/graphql`,
      { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...requestIdHeader() },
      JSON.stringify({ query, variables }),
      options.timeoutMs ?? config.serviceTimeoutMs,
    );
    body = JSON.parse(response.text) as GraphQLResponse<T>;
  } catch (err) {
    const { code, reusedSocket, retried } = err as NodeJS.ErrnoException & { reusedSocket?: boolean; retried?: boolean };
    log.warn('service call failed', {
      ...callLog(service, started),
      err: (err as Error).message,
      code,
      connection: retried ? 'stale kept-alive one, then a fresh one' : reusedSocket ? 'kept-alive' : 'new',
    });
    throw new DependencyUnavailableError(service);
  }
  const [first] = body.errors ?? [];
  if (first) {
    const code = first.extensions?.code as ErrorCode | undefined;
    if (code && code !== 'INTERNAL_SERVER_ERROR' && (ERROR_CODES as readonly string[]).includes(code)) {
      throw new DomainError(code, first.message);
    }
    log.warn('service call answered with an error', { ...callLog(service, started), status: response.status, error: first.message });
    throw new DependencyUnavailableError(service);
  }
  if (response.status < 200 || response.status >= 300 || !body.data) {
    log.warn('service call answered without data', { ...callLog(service, started), status: response.status });
    throw new DependencyUnavailableError(service);
  }
  log.debug('service call', callLog(service, started));
  return body.data;
}

/**
 * A call's log fields: `target` (`service` is the process's own name on every line), its duration,
 * and the id of the request it serves (a relay's or a worker's call has none).
 */
function callLog(target: ServiceName, started: number): Record<string, unknown> {
  return { target, ms: Date.now() - started, requestId: currentRequest()?.requestId };
}

/** The id of the request this call serves, so one client request has one id in every service's logs. */
function requestIdHeader(): Record<string, string> {
  const request = currentRequest();
  return request ? { 'x-request-id': request.requestId } : {};
}

type EntityOf<TResult extends EntitiesResult> = NonNullable<TResult['_entities'][number]>;
interface EntitiesResult {
  _entities: readonly ({ __typename: string } | null)[];
}

/**
 * Loads entities of another subgraph by id through its `_entities` field, in the order given. The
 * document selects `__typename` and the fields of `typename`; what is not a `typename` is null.
 */
export async function fetchEntities<TResult extends EntitiesResult, TName extends EntityOf<TResult>['__typename']>(
  client: ServiceClient,
  service: ServiceName,
  document: TypedDocumentNode<TResult, { representations: Record<string, unknown>[] }>,
  typename: TName,
  ids: readonly string[],
  options?: CallOptions,
): Promise<(Extract<EntityOf<TResult>, { __typename: TName }> | null)[]> {
  const representations = ids.map((id) => ({ __typename: typename, id }));
  const data = await client.request(service, document, { representations }, options);
  return data._entities.map((entity) => (entity?.__typename === typename ? (entity as Extract<EntityOf<TResult>, { __typename: TName }>) : null));
}

/**
 * Records an admin action in the admin subgraph's audit log. Non-critical: a failure is logged
 * and never fails the admin's request.
 */
export async function recordAdminAudit(ctx: { subgraphs: ServiceClient; user?: UserIdentity; log: Logger }, action: string, target: string): Promise<void> {
  if (!ctx.user) return;
  try {
    await ctx.subgraphs.request('admin', RecordAuditDocument, { input: { actorId: ctx.user.id, action, target } }, { user: ctx.user });
  } catch (err) {
    ctx.log.warn('admin audit not recorded', { action, target, err: (err as Error).message });
  }
}
