import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, { Workspace: '../entities/workspace.entity#Workspace as WorkspaceEntity' });
