/**
 * startTracing in a fresh process each time (as a service's entry runs it, first): off without an
 * OTLP endpoint (no SDK module loaded, the API stays a no-op, pg and http untouched), and on with
 * one, with the HTTP and pg instrumentations in place before the code that uses them loads.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTracingConfig } from '../src';

const ROOT = join(__dirname, '../../..');
// A fresh tsx process each: slow on a busy machine.
jest.setTimeout(90_000);

/** What a process that starts tracing and then loads http, pg and the kernel's tracing helpers looks like. */
const PROBE = `
  const { startTracing } = require('@wsb/tracing');
  const started = startTracing('probe');
  const http = require('node:http');
  const pg = require('pg');
  const kernel = require('./packages/kernel/src/tracing.ts');
  const api = require('@opentelemetry/api');
  const span = api.trace.getTracer('probe').startSpan('x');
  const loaded = Object.keys(require.cache).filter((f) => /@opentelemetry[\\\\/](sdk-|instrumentation|exporter-)/.test(f)).length;
  console.log(JSON.stringify({
    started: Boolean(started),
    serviceName: started && started.serviceName,
    sdkModulesLoaded: loaded,
    recording: span.isRecording(),
    kernelSeesTracing: kernel.tracingEnabled(),
    httpPatched: Boolean(http.request.__wrapped),
    pgPatched: Boolean(pg.Client.prototype.query.__wrapped),
  }));
  span.end();
  if (started) started.shutdown().catch(() => undefined).then(() => process.exit(0)); else process.exit(0);
`;

async function probe(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['-e', PROBE], {
    cwd: ROOT,
    env: { ...clean, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

it('with OTEL_EXPORTER_OTLP_ENDPOINT unset, starts no SDK and loads none of it', async () => {
  expect(await probe({})).toEqual({
    started: false,
    sdkModulesLoaded: 0,
    recording: false,
    kernelSeesTracing: false,
    httpPatched: false,
    pgPatched: false,
  });
});

it('with OTEL_SDK_DISABLED=true, stays off even with an endpoint', async () => {
  const result = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' });
  expect(result).toMatchObject({ started: false, sdkModulesLoaded: 0, recording: false });
});

it('with an endpoint, traces, and patches http and pg before they are loaded', async () => {
  // Nothing listens on port 9: the export fails quietly at shutdown, which is all this needs.
  // Every span sampled, so the probe's one root span records: the default samples a tenth of roots
  // (sampling.test.ts tests that).
  const result = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SERVICE_NAME: 'renamed', OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
  expect(result).toMatchObject({ started: true, serviceName: 'renamed', recording: true, kernelSeesTracing: true, httpPatched: true, pgPatched: true });
  expect(result.sdkModulesLoaded).toBeGreaterThan(0);
});

it('reads the endpoint, protocol and switches from the standard OTEL_* names', () => {
  expect(readTracingConfig({})).toEqual({ endpoint: undefined, protocol: 'http/protobuf', serviceName: undefined, disabled: false });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toMatchObject({ endpoint: undefined });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toMatchObject({
    endpoint: 'http://otel:4318',
    protocol: 'http/json',
  });
  expect(readTracingConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }).endpoint).toBe('http://tempo:4318/v1/traces');
});
