/**
 * Where a real `rover` is on the PATH: `rover supergraph compose --config rover.yaml` must give the
 * committed supergraph, so the in-process composition never drifts from rover's. Without rover
 * this says so and passes (rover's installer downloads a binary, which this platform's machines
 * cannot; CI machines that have it run the comparison).
 */
import { spawnSync } from 'node:child_process';
import type { Section } from './check';

export function checkWithRover(root: string, committedSupergraph: string | null, env: NodeJS.ProcessEnv = process.env): Section {
  const section: Section = { id: 'g', title: 'rover supergraph compose', ok: true, lines: [] };
  const version = spawnSync('rover', ['--version'], { cwd: root, env, encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    section.lines.push('rover is not on the PATH: skipped (the in-process composition above is the same library)');
    return section;
  }
  const run = spawnSync('rover', ['supergraph', 'compose', '--config', 'rover.yaml', '--elv2-license', 'accept'], {
    cwd: root,
    env: { ...env, APOLLO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const name = version.stdout.trim();
  if (run.status !== 0) {
    section.ok = false;
    section.lines.push(`✗ ${name}: rover supergraph compose failed (exit ${run.status ?? run.signal}):`, ...lastLines(run.stderr));
  } else if (run.stdout.trim() !== (committedSupergraph ?? '').trim()) {
    section.ok = false;
    section.lines.push(
      `✗ ${name}: rover's supergraph differs from schema/supergraph.graphql (federation_version in rover.yaml vs @apollo/composition in package.json?)`,
    );
  } else {
    section.lines.push(`✓ ${name} composes schema/supergraph.graphql exactly`);
  }
  return section;
}

function lastLines(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .slice(-10)
    .map((l) => `    ${l}`);
}
