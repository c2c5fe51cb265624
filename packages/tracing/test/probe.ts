/** Runs a probe script in a fresh process (tsx, from the repository root), so startTracing runs as in a service's entry. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = join(__dirname, '../../..');

/**
 * The script's last line of stdout, parsed as JSON. `env` is added to this process's environment
 * less every OTEL_ setting, so only what the test gives configures tracing there.
 */
export async function runProbe<T = any>(script: string, env: Record<string, string>): Promise<T> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['-e', script], {
    cwd: ROOT,
    env: { ...clean, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}
