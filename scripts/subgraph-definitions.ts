/** The definition a subgraph's `src/subgraph.ts` exports, for tools that work on every subgraph without starting it. */
import { join } from 'node:path';
import type { ServiceName, SubgraphDefinition } from '@wsb/kernel';

export function subgraphDefinition(name: ServiceName): SubgraphDefinition<any, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path computed per subgraph, loaded synchronously
  const module = require(join(__dirname, '..', 'subgraphs', name, 'src', 'subgraph'));
  const definition = Object.values(module).find(
    (value): value is SubgraphDefinition<any, any> => typeof value === 'object' && value !== null && (value as SubgraphDefinition).name === name,
  );
  if (!definition) throw new Error(`subgraphs/${name}/src/subgraph.ts exports no definition`);
  return definition;
}
