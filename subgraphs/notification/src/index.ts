import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { notificationSubgraph } from './subgraph';

void startSubgraph(notificationSubgraph);
