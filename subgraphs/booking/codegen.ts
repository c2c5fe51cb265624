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
          Booking: '../entities/booking.entity#Booking as BookingEntity',
          // Booking only contributes fields to User and Workspace: their parent is the bare reference.
          User: '../entities/references#UserRef',
          Workspace: '../entities/references#WorkspaceRef',
        },
        enumsAsTypes: true,
      },
    },
  },
};
export default config;
