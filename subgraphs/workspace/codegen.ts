import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen({ Workspace: '../entities/workspace.entity#Workspace as WorkspaceEntity' });
