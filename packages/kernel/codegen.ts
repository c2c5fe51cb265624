import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { internalSchemaSdl } from '../../scripts/schema-check/schemas';

type Outputs = CodegenConfig['generates'];

/**
 * The graphql-codegen setup every subgraph shares: typed resolvers for its schema.graphql, with
 * federation's reference types, the subgraph's Context, and its entities as the parents (mappers);
 * and, when it calls other subgraphs, typed documents for those calls.
 */
export function subgraphCodegen(dir: string, mappers: Record<string, string>): CodegenConfig {
  return {
    generates: {
      [join(dir, 'src/__generated__/resolvers-types.ts')]: {
        schema: join(dir, 'schema.graphql'),
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useIndexSignature: true,
          contextType: '../context#Context',
          scalars: { DateTime: 'Date' },
          mappers,
          enumsAsTypes: true,
        },
      },
      ...operationsCodegen(dir),
    },
  };
}

/**
 * The operations a package sends to other subgraphs (src/operations/<target>.graphql) as typed
 * document nodes in src/__generated__/operations.ts. They are typed against the committed
 * supergraph with its internal (@inaccessible) fields and federation's `_entities`; values are as
 * they travel (DateTime is an ISO string).
 */
function operationsCodegen(dir: string): Outputs {
  if (!existsSync(join(dir, 'src/operations'))) return {};
  const supergraph = readFileSync(resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');
  return {
    [join(dir, 'src/__generated__/operations.ts')]: {
      schema: internalSchemaSdl(supergraph),
      documents: join(dir, 'src/operations/*.graphql'),
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        avoidOptionals: true,
        scalars: { DateTime: 'string', _Any: 'Record<string, unknown>' },
      },
    },
  };
}

/** The kernel's own calls (the admin audit log). */
const config: CodegenConfig = { generates: operationsCodegen(__dirname) };
export default config;
