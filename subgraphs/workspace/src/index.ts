import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { workspaceSubgraph } from './subgraph';

void startSubgraph(workspaceSubgraph);
