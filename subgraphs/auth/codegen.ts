import { subgraphCodegen } from '../../packages/kernel/codegen';

export default subgraphCodegen(__dirname, { User: '../profiles#Profile' });
