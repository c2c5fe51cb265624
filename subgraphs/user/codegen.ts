import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, { User: '../entities/user.entity#User as UserEntity' });
