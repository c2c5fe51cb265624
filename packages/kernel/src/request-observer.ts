/**
 * What every GraphQL request a process answers leaves behind: its count and latency in the
 * metrics (by operation and outcome) and one info line in the log. One Apollo plugin does both,
 * so a request costs one set of hooks (requestDidStart, didResolveOperation, willSendResponse)
 * rather than one per concern: Apollo calls and awaits every plugin's hooks for every request.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from './logger';
import { labelled, outcomeOf, rootFieldOf, type Metrics } from './metrics';

export interface RequestObserverOptions<C> {
  /**
   * Counts and times each request by operation and outcome. The operation is the root field it
   * asks for (`createBooking`, `_entities` for a gateway's entity fetch), "multiple" for several
   * root fields, "other" when none was resolved (a request that did not parse or validate): names
   * from the schema only, never from what a client typed. The outcome is "ok" or the first
   * error's code: as raised when it is a known one, else as sent to the client (a domain error's
   * code, INTERNAL_SERVER_ERROR for an unexpected one), else "error". Nothing is counted when
   * metrics are off (METRICS_ENABLED=false).
   */
  metrics?: Metrics;
  /**
   * One info line per request (`"msg":"request"`): the operation name, the fields `describe`
   * gives (read when the answer is ready, so counts are final), how long it took and its error codes.
   */
  describe?: (context: C) => { log: Logger; fields: Record<string, unknown> };
}

interface ErrorLike {
  extensions?: { code?: unknown };
}

export function requestObserver<C extends object>({ metrics, describe }: RequestObserverOptions<C>): ApolloServerPlugin<C> {
  const counted = metrics?.enabled ? { count: labelled(metrics.requests), seconds: labelled(metrics.requestSeconds) } : undefined;
  if (!counted && !describe) return {};
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let operation = 'other';
      return {
        async didResolveOperation(ctx) {
          operation = rootFieldOf(ctx.operation);
        },
        async willSendResponse({ request, response, errors }) {
          const ms = performance.now() - started;
          // The errors as sent (formatted: a domain error's code is set there), else as raised.
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const sent = (body?.errors ?? errors) as readonly ErrorLike[] | undefined;
          if (counted) {
            // The code as raised when it is one we know (GRAPHQL_VALIDATION_FAILED rather than the
            // BAD_USER_INPUT a client is sent for it), else as sent: a domain error gets its code
            // only in formatError, and an unexpected error is sent as INTERNAL_SERVER_ERROR.
            const first = sent?.[0];
            const raised = first && outcomeOf((errors as readonly ErrorLike[] | undefined)?.[0]?.extensions?.code);
            const outcome = !first ? 'ok' : raised !== 'error' ? raised! : outcomeOf(first.extensions?.code);
            counted.count(operation, outcome).inc();
            counted.seconds(operation, outcome).observe(ms / 1000);
          }
          if (describe) {
            const { log, fields } = describe(contextValue);
            log.info('request', {
              operation: request.operationName ?? null,
              ...fields,
              ms: Math.round(ms * 10) / 10,
              ...(sent?.length ? { errors: sent.map((e) => e.extensions?.code) } : {}),
            });
          }
        },
      };
    },
  };
}

/** Metrics alone (see requestObserver). */
export const requestMetrics = (metrics: Metrics): ApolloServerPlugin<any> => requestObserver({ metrics });

/** The request line alone (see requestObserver). */
export const requestLog = <C extends object>(describe: NonNullable<RequestObserverOptions<C>['describe']>): ApolloServerPlugin<C> =>
  requestObserver({ describe });
