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
        mappers: { User: '../profiles#Profile' },
        enumsAsTypes: true,
      },
    },
  },
};
export default config;
