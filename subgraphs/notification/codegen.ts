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
        mappers: {
          Notification: '../entities/notification.entity#Notification as NotificationEntity',
          // This subgraph only contributes `notifications` to User; the reference is all it holds.
          User: '../entities/notification.entity#UserRef',
        },
        enumsAsTypes: true,
      },
    },
  },
};
export default config;
