import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { signServiceToken, type ServiceKey } from '@wsb/kernel';
import type { GatewayContext } from './context';

/**
 * Every request to a subgraph carries a short-lived service token signed by the gateway, with the
 * end user inside it. Nothing the client sent (headers included) is forwarded.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly name: string,
    url: string,
    private readonly keys: ServiceKey[],
    timeoutMs: number,
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

  /** A subgraph that is down or too slow fails only its part of the query, with a clear code. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      // A 4xx with GraphQL errors (e.g. a variable the subgraph's scalar refused) is an answer to relay.
      const response = (err as GraphQLError).extensions?.response as { status?: number; body?: { errors?: unknown } } | undefined;
      if (response?.status && response.status < 500 && Array.isArray(response.body?.errors)) {
        return { errors: response.body.errors } as GatewayGraphQLResponse;
      }
      throw new GraphQLError(`The ${this.name} service is unavailable; please try again shortly.`, {
        extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: this.name },
      });
    }
  }
}
