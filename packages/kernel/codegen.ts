import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The graphql-codegen setup every subgraph shares: typed resolvers for its schema.graphql, with
 * federation's reference types, the subgraph's Context, and its entities as the parents (mappers).
 */
export function subgraphCodegen(mappers: Record<string, string>): CodegenConfig {
  return {
    schema: './schema.graphql',
    generates: {
      './src/__generated__/resolvers-types.ts': {
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
    },
  };
}
