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
          Payment: '../entities/payment.entity#Payment as PaymentEntity',
          // This subgraph only contributes `payment` to Booking; the reference is all it holds.
          Booking: '../entities/payment.entity#BookingRef',
        },
        enumsAsTypes: true,
      },
    },
  },
};
export default config;
