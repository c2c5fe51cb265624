import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, {
  Payment: '../entities/payment.entity#Payment as PaymentEntity',
  // This subgraph only contributes `payment` to Booking; the reference is all it holds.
  Booking: '../entities/payment.entity#BookingRef',
});
