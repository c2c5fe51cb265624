import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import {
  CircuitBreakers,
  DependencyUnavailableError,
  DomainError,
  distinctRepresentations,
  postText,
  signServiceToken,
  type HttpAnswer,
  type ServiceKey,
  type ServiceName,
} from '@wsb/kernel';
import type { Counter, Histogram } from 'prom-client';
import type { GatewayContext } from './context';

/**
 * Every request to a subgraph carries a short-lived service token signed by the gateway, with the
 * end user inside it. Nothing the client sent (headers included) is forwarded. Every call has the
 * timeout and goes through the kernel's circuit breaker for that subgraph (the same as between
 * subgraphs): after CIRCUIT_BREAKER_THRESHOLD consecutive failures the subgraph's part of any
 * query fails fast for CIRCUIT_BREAKER_RESET_MS, then one probe decides whether it closes.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly name: string,
    url: string,
    private readonly keys: ServiceKey[],
    private readonly timeoutMs: number,
    /** Shared by all subgraphs' data sources: one breaker per subgraph inside. */
    private readonly breakers: CircuitBreakers,
    private readonly fetches?: Counter<'subgraph' | 'outcome'>,
    fetchSeconds?: Histogram<'subgraph' | 'outcome'>,
  ) {
    super({ url });
    // This subgraph's label children, made once (labels() hashes its arguments on every call).
    for (const outcome of ['ok', 'error'] as const) {
      this.outcomes[outcome] = { count: fetches?.labels(name, outcome), seconds: fetchSeconds?.labels(name, outcome) };
    }
  }

  private readonly outcomes: Record<'ok' | 'error', { count?: { inc(): void }; seconds?: { observe(value: number): void } }> = { ok: {}, error: {} };

  /** Identical subgraph queries in flight at once, by everything that goes over the wire. */
  private readonly inFlight = new Map<string, Promise<HttpAnswer>>();

  /**
   * The gateway's fetcher: the kernel's keep-alive HTTP client with a hard timeout. A query
   * identical to one already in flight, by URL, headers and body, waits for that one's answer
   * instead of being sent again. The key is the request exactly as it goes out, so nothing can be added to it after the
   * key is made, and the service token in its Authorization header carries the caller, the end
   * user, the role and the client address: two users' queries never share an answer. Each waiter
   * parses the answer's text itself, since the gateway merges into the objects it is given.
   * Only a body recognisably holding a query is merged; mutations are always sent.
   */
  private fetchOnce(url: string, init: FetchInit): Promise<HttpAnswer> {
    let answer: Promise<HttpAnswer>;
    if (typeof init.body === 'string' && QUERY_BODY.test(init.body)) {
      const key = `${url}\n${answerHeaders(init.headers)}\n${init.body}`;
      const pending = this.inFlight.get(key);
      if (pending) {
        answer = pending;
        this.fetches?.inc({ subgraph: this.name, outcome: 'merged' });
      } else {
        answer = this.call(url, init).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, answer);
      }
    } else {
      answer = this.call(url, init);
    }
    return answer;
  }

  private async call(url: string, init: FetchInit): Promise<HttpAnswer> {
    const started = performance.now();
    try {
      const answer = await postText(url, init.headers, init.body, this.timeoutMs);
      this.counted(answer.status >= 200 && answer.status < 300 ? 'ok' : 'error', started);
      return answer;
    } catch (err) {
      this.counted('error', started);
      throw err;
    }
  }

  private counted(outcome: 'ok' | 'error', started: number): void {
    this.outcomes[outcome].count?.inc();
    this.outcomes[outcome].seconds?.observe((performance.now() - started) / 1000);
  }

  /** The headers of every fetch: the service token for the caller, and the request id and untraced traceparent that follow it. */
  private async headersFor(context: GatewayContext | undefined, extra: Iterable<[string, string]> | undefined): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of extra ?? []) headers[name] = value;
    headers['content-type'] = 'application/json';
    const token = await signServiceToken({ caller: 'gateway', user: context?.user, clientIp: context?.clientIp }, this.keys);
    headers.authorization = `Bearer ${token}`;
    if (context?.requestId) headers['x-request-id'] = context.requestId;
    // An untraced request's (a traced one's comes from the active span, in the kernel's client).
    if (context?.traceparent) headers.traceparent = context.traceparent;
    return headers;
  }

  /**
   * An entity fetch sends each distinct representation once (30 bookings by one member in one
   * workspace ask the user subgraph for one user, not 30) and spreads the answers back.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (options.context) options.context.fetches = (options.context.fetches ?? 0) + 1;
    const representations = options.request.variables?.representations;
    const distinct = Array.isArray(representations) ? distinctRepresentations(representations) : undefined;
    if (!distinct) return this.guarded(options);
    const request = { ...options.request, variables: { ...options.request.variables, representations: distinct.unique } };
    return spreadEntities(await this.guarded({ ...options, request }), distinct.slots);
  }

  /** A subgraph that is down, too slow or behind an open circuit fails only its part of the query, with a clear code. */
  private async guarded(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await this.breakers.run(this.name as ServiceName, () => this.send(options));
    } catch (err) {
      const message = err instanceof DomainError ? err.message : `The ${this.name} service is unavailable; please try again shortly.`;
      throw new GraphQLError(message, { extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: this.name } });
    }
  }

  /**
   * One call; DEPENDENCY_UNAVAILABLE (what the breaker counts) for anything but an answer. What
   * RemoteGraphQLDataSource.process sends (`{ query, ...the rest of the request }` as JSON, the
   * request's own headers), without its per-fetch node-fetch Headers and Request (a copy of the
   * body) and its reading of every answer through a WHATWG Response stream: the answer is parsed
   * from the kernel client's text, each caller its own copy (the gateway merges into the objects
   * it is given). A Response is made only for an answer that is not a 2xx, for errorFromResponse.
   * The platform sets no cache hints (the subgraphs' cache-control plugin is off), so the
   * subgraphs' cache-control headers are not read.
   */
  private async send({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      const { http, query, ...rest } = request;
      if (!query) throw new Error('Missing query');
      const headers = await this.headersFor(context as GatewayContext | undefined, http?.headers as Iterable<[string, string]> | undefined);
      const answer = await this.fetchOnce(this.url!, { method: 'POST', headers, body: JSON.stringify({ query, ...rest }) });
      if (answer.status < 200 || answer.status > 299) {
        throw await this.errorFromResponse(
          new Response(answer.text, { status: answer.status, statusText: answer.statusText, headers: answer.headers }) as never,
        );
      }
      const body: unknown = JSON_TYPE.test(answer.headers['content-type'] ?? '') ? JSON.parse(answer.text) : undefined;
      if (body === null || typeof body !== 'object') throw new Error(`Expected a JSON answer from ${this.name}`);
      return body as GatewayGraphQLResponse;
    } catch (err) {
      // A 4xx with GraphQL errors (e.g. a variable the subgraph's scalar refused) is an answer to relay.
      const response = (err as GraphQLError).extensions?.response as { status?: number; body?: { errors?: unknown } } | undefined;
      if (response?.status && response.status < 500 && Array.isArray(response.body?.errors)) {
        return { errors: response.body.errors } as GatewayGraphQLResponse;
      }
      throw new DependencyUnavailableError(this.name);
    }
  }
}

/**
 * The answer to the distinct representations, as if every original one had been sent: `_entities`
 * in the original order (a repeated entity is a copy, since the gateway merges into what it gets),
 * and an error at `_entities.<i>` repeated at every original position of representation i.
 */
export function spreadEntities(response: GatewayGraphQLResponse, slots: number[]): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  const seen = new Set<number>();
  const data = Array.isArray(entities)
    ? {
        ...response.data,
        _entities: slots.map((slot) => {
          const entity = entities[slot];
          if (!seen.has(slot) || entity === null || typeof entity !== 'object') return (seen.add(slot), entity);
          return copyJson(entity);
        }),
      }
    : response.data;
  const errors = response.errors?.flatMap((error) => {
    const [head, slot, ...rest] = error.path ?? [];
    if (head !== '_entities' || typeof slot !== 'number') return [error];
    return slots.flatMap((s, original) => (s === slot ? [{ ...error, path: [head, original, ...rest] }] : []));
  });
  return { ...response, data, ...(errors ? { errors } : {}) };
}

/** A deep copy of parsed JSON (objects, arrays, primitives): a tenth of what structuredClone costs for an entity. */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy;
}

interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Headers that only correlate logs and traces; they never change an answer, so they are not part of the in-flight key. */
const CORRELATION_HEADERS = new Set(['x-request-id', 'traceparent', 'tracestate']);

/** Every header that can change the subgraph's answer (all but the correlation ones), in a stable order. */
function answerHeaders(headers: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(headers)
      .filter(([name]) => !CORRELATION_HEADERS.has(name.toLowerCase()))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** What RemoteGraphQLDataSource parses as JSON. */
const JSON_TYPE = /^application\/(graphql-response\+)?json/;

/** The body RemoteGraphQLDataSource sends for a query: `{"query":"query …` or `{"query":"{ …`. */
const QUERY_BODY = /^\{"query":"(query\b|\{)/;
