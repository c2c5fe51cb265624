// First of the entry's imports: tracing (when configured) starts before http, pg and the rest load.
import { startTracing } from '@wsb/tracing';

// The gateway needs no request scope of its own: its unsampled requests run in no trace context
// (no AsyncLocalStorage, so no promise hook on Node 20) and carry their traceparent in Apollo's.
startTracing('gateway', process.env, { contextWhileTraced: true });
