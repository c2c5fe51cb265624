import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

function requestError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Which operation of the document to run is the client's to say. Without this check the gateway's
 * query planner raised its own error for an unnamed choice among several operations, an unknown
 * operationName or a subscription (the supergraph has none), which answered 500 INTERNAL_SERVER_ERROR.
 */
export function operationResolution(): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            throw requestError(
              request.operationName
                ? `Unknown operation named "${request.operationName.slice(0, 100)}".`
                : 'Must provide operation name if query contains multiple operations.',
            );
          }
          if (operation.operation === 'subscription') {
            throw requestError('Subscriptions are not supported: send a query or a mutation.');
          }
        },
      };
    },
  };
}
