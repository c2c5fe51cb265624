import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, {
  Activity: '../entities/activity.entity#Activity as ActivityEntity',
  BookingReport: '../report#ReportRange',
});
