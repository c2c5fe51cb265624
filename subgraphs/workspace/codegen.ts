import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: './schema.graphql',
  generates: {
    './src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: '../context#Context',
        scalars: { DateTime: 'Date' },
        mappers: { Workspace: '../entities/workspace.entity#Workspace as WorkspaceEntity' },
        enumsAsTypes: true,
      },
    },
  },
};
export default config;
