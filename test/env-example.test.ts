/**
 * `.env.example` lists every setting any process reads. The settings are found by running each
 * process's own config reader (the gateway's, each subgraph's, the tracing's) over an environment that records
 * every name asked for, so a new setting fails this test until it is documented.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDefinitionConfig } from '@wsb/kernel';
import { readTracingConfig } from '@wsb/tracing';
import { readGatewayConfig } from '../gateway/src/config';
import { subgraphDefinition } from '../scripts/subgraph-definitions';
import { ROOT, SUBGRAPHS } from './support/platform';

function recordingEnv(read: Set<string>, values: Record<string, string> = {}): NodeJS.ProcessEnv {
  return new Proxy({} as NodeJS.ProcessEnv, {
    get: (_target, name) => {
      if (typeof name === 'string') read.add(name);
      return typeof name === 'string' ? values[name] : undefined;
    },
    has: (_target, name) => typeof name === 'string' && name in values,
  });
}

function settingsRead(): string[] {
  const read = new Set<string>();
  // Development and production take different defaults (and production requires secrets): both.
  for (const nodeEnv of ['development', 'production']) {
    const values = { NODE_ENV: nodeEnv, AMQP_URL: 'amqp://localhost', SMTP_URL: 'smtp://localhost' };
    const attempt = (readConfig: () => unknown) => {
      try {
        readConfig();
      } catch {
        // Production refuses missing secrets after reading every name: the names are what counts.
      }
    };
    attempt(() => readGatewayConfig(recordingEnv(read, values)));
    // Every process (gateway and subgraphs) starts tracing from these before anything else.
    attempt(() => readTracingConfig(recordingEnv(read, values)));
    for (const name of SUBGRAPHS) {
      const definition = subgraphDefinition(name);
      attempt(() => readDefinitionConfig(definition, recordingEnv(read, values)));
    }
  }
  return [...read].filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name)).sort();
}

it('lists every setting the processes read, with a default or an example', () => {
  const documented = new Set(
    readFileSync(join(ROOT, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter(Boolean),
  );
  const read = settingsRead();
  expect(read.length).toBeGreaterThan(40);
  expect(read.filter((name) => !documented.has(name))).toEqual([]);
});
