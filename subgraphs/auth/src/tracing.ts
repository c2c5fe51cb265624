// First of the entry's imports: tracing (when configured) starts before http, pg and the rest load.
import { startTracing } from '@wsb/tracing';

startTracing('auth');
