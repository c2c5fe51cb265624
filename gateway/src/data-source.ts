import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { CircuitBreakers, DependencyUnavailableError, DomainError, signServiceToken, type ServiceKey, type ServiceName } from '@wsb/kernel';
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
    timeoutMs: number,
    /** Shared by all subgraphs' data sources: one breaker per subgraph inside. */
    private readonly breakers: CircuitBreakers,
  ) {
    super({
      url,
      // The gateway's fetcher with a hard timeout on every subgraph call.
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const token = await signServiceToken({ caller: 'gateway', user: context?.user, clientIp: context?.clientIp }, this.keys);
    request.http?.headers.set('authorization', `Bearer ${token}`);
  }

  /** A subgraph that is down, too slow or behind an open circuit fails only its part of the query, with a clear code. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await this.breakers.run(this.name as ServiceName, () => this.send(options));
    } catch (err) {
      const message = err instanceof DomainError ? err.message : `The ${this.name} service is unavailable; please try again shortly.`;
      throw new GraphQLError(message, { extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: this.name } });
    }
  }

  /** One call; DEPENDENCY_UNAVAILABLE (what the breaker counts) for anything but an answer. */
  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
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
