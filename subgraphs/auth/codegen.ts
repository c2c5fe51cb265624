import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen({ User: '../profiles#Profile' });
