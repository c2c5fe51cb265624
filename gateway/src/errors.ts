import { ERROR_CODES } from '@wsb/kernel';
import type { GraphQLFormattedError } from 'graphql';

/**
 * Errors the gateway itself raises about a subgraph (unreachable, timed out, a malformed answer)
 * carry the subgraph's name but none of our codes: they become DEPENDENCY_UNAVAILABLE, naming the
 * missing service, so a client sees which part of its query could not be answered.
 */
export function toGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const extensions = formatted.extensions ?? {};
  const code = extensions.code;
  const serviceName = extensions.serviceName;
  if (typeof serviceName === 'string' && !(ERROR_CODES as readonly unknown[]).includes(code)) {
    return {
      message: `The ${serviceName} service is unavailable; please try again shortly.`,
      path: formatted.path,
      extensions: { code: 'DEPENDENCY_UNAVAILABLE', service: serviceName },
    };
  }
  return undefined;
}
