import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { userSubgraph } from './subgraph';

void startSubgraph(userSubgraph);
