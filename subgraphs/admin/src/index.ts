import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { adminSubgraph } from './subgraph';

void startSubgraph(adminSubgraph);
