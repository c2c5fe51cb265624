/**
 * One circuit breaker per target service (cockatiel). After `threshold` consecutive failures
 * (network, timeout, 5xx: DEPENDENCY_UNAVAILABLE) calls fail fast for `resetMs`; then one probe is let
 * through (half-open) and its result closes or reopens the circuit. An answer with a domain error
 * (NOT_FOUND, BAD_USER_INPUT, ...) is a healthy service saying no, and does not count.
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleType, type CircuitBreakerPolicy } from 'cockatiel';
import type { EnvReader } from './config';
import type { ServiceName } from './services';
import { DependencyUnavailableError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface CircuitBreakerConfig {
  threshold: number;
  resetMs: number;
}

export function readCircuitBreakerConfig(r: EnvReader): CircuitBreakerConfig {
  return {
    threshold: r.int('CIRCUIT_BREAKER_THRESHOLD', 5, { min: 1, max: 1000 }),
    resetMs: r.int('CIRCUIT_BREAKER_RESET_MS', 10_000, { min: 10, max: 600_000 }),
  };
}

/** The call was not even attempted: the circuit to `service` is open. */
export class CircuitOpenError extends DependencyUnavailableError {
  constructor(service: string) {
    super(service, `The ${service} service is unavailable (circuit open); please try again shortly.`);
  }
}

export class CircuitBreakers {
  private readonly breakers = new Map<ServiceName, CircuitBreakerPolicy>();

  constructor(
    private readonly config: CircuitBreakerConfig,
    private readonly log: Logger,
    /** wsb_circuit_state and wsb_circuit_transitions_total, per target. */
    private readonly metrics?: Metrics,
  ) {}

  async run<T>(service: ServiceName, call: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker(service).execute(call);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new CircuitOpenError(service);
      }
      throw err;
    }
  }

  state(service: ServiceName): 'closed' | 'open' | 'half-open' {
    const state = this.breakers.get(service)?.state ?? CircuitState.Closed;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  private breaker(service: ServiceName): CircuitBreakerPolicy {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = circuitBreaker(handleType(DependencyUnavailableError), {
        halfOpenAfter: this.config.resetMs,
        breaker: new ConsecutiveBreaker(this.config.threshold),
      });
      const entered = (state: 'closed' | 'half-open' | 'open', value: number) => {
        this.metrics?.circuitState.set({ target: service }, value);
        this.metrics?.circuitTransitions.inc({ target: service, state });
      };
      this.metrics?.circuitState.set({ target: service }, 0);
      breaker.onBreak(() => {
        entered('open', 2);
        this.log.warn('circuit opened: failing fast', { target: service, forMs: this.config.resetMs });
      });
      breaker.onHalfOpen(() => {
        entered('half-open', 1);
        this.log.info('circuit half-open: probing', { target: service });
      });
      breaker.onReset(() => {
        entered('closed', 0);
        this.log.info('circuit closed again', { target: service });
      });
      this.breakers.set(service, breaker);
    }
    return breaker;
  }
}
