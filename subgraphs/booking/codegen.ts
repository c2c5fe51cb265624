import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, {
  Booking: '../entities/booking.entity#Booking as BookingEntity',
  // Booking only contributes fields to User and Workspace: their parent is the bare reference.
  User: '../entities/references#UserRef',
  Workspace: '../entities/references#WorkspaceRef',
});
