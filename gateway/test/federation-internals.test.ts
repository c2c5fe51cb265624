/**
 * gateway/src/federation-internals.ts: Apollo Gateway reads @apollo/federation-internals through
 * plain data properties holding the very values the package exports. Run in a process of its own
 * (jest keeps its own module registry; the gateway relies on Node's), loading the modules in the
 * entry file's order.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

it('gives @apollo/gateway a plain copy of every export, taken before it loads', () => {
  const out = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['gateway/test/fixtures/federation-internals-probe.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
  });
  const report = JSON.parse(out.trim().split('\n').pop()!);
  expect(report).toEqual({
    // No module of the gateway, query planner or query graphs was loaded before it: all of them get the copy.
    loadedBefore: [],
    exports: expect.any(Number),
    accessors: [],
    differing: [],
    missing: [],
    esModule: true,
  });
  expect(report.exports).toBeGreaterThan(100);
});
