import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, {
  Notification: '../entities/notification.entity#Notification as NotificationEntity',
  // This subgraph only contributes `notifications` to User; the reference is all it holds.
  User: '../entities/notification.entity#UserRef',
});
