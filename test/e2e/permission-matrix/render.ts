/** The permission matrix as observed, one row a field, printed after the run (a cell expected otherwise shows both). */
import { WHO, type Outcome, type Row } from './expected';

export function renderMatrix(observed: Map<string, { expect: Row; got: Outcome[] }>): string {
  const short = (o: Outcome | undefined) =>
    ({ data: 'data', null: 'null', empty: 'empty', UNAUTHENTICATED: 'UNAUTH', FORBIDDEN: 'FORBID' })[o ?? ''] ?? o ?? '-';
  const width = Math.max(...[...observed.keys()].map((k) => k.length));
  const head = `${'field'.padEnd(width)} | ${WHO.map((w) => w.padEnd(9)).join(' | ')}`;
  const lines = [...observed.entries()].map(([name, { expect: want, got }]) => {
    const cells = WHO.map((_, i) => {
      const cell = short(got[i]);
      return (got[i] === want[i] ? cell : `${cell}≠${short(want[i])}`).padEnd(9);
    });
    return `${name.padEnd(width)} | ${cells.join(' | ')}`;
  });
  return [`Permission matrix (${observed.size} rows x ${WHO.length} callers)`, head, '-'.repeat(head.length), ...lines].join('\n');
}
