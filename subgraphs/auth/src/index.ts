import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { authSubgraph } from './subgraph';

void startSubgraph(authSubgraph);
