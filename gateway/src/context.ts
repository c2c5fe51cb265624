import { bearer, isUuid, verifyAccessToken, type UserIdentity } from '@wsb/kernel';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';

export interface GatewayContext {
  /** The client's `x-request-id` when it is a safe token, else a new UUID; forwarded to every subgraph. */
  requestId: string;
  /** Subgraph fetches this request made (each merged or sent). */
  fetches?: number;
  user?: UserIdentity;
  clientIp?: string;
  /**
   * With tracing on, for a request not traced: the `traceparent` (flag 00) its subgraph fetches
   * carry on and its request line takes its trace id from (it runs in no trace context).
   */
  traceparent?: string;
}

/** Reads the caller's access token; a token that is present but invalid is refused outright. */
export async function userFromRequest(req: IncomingMessage, secret: Uint8Array): Promise<UserIdentity | undefined> {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const token = bearer(header);
  const user = token ? await verifyAccessToken(token, secret) : undefined;
  // Auth only signs user ids; any other subject would reach the subgraphs' uuid columns.
  if (!user || !isUuid(user.id)) {
    throw new GraphQLError('The access token is invalid or has expired; sign in again or refresh it.', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return user;
}
