import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen({ User: '../entities/user.entity#User as UserEntity' });
