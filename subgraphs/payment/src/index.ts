import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { paymentSubgraph } from './subgraph';

void startSubgraph(paymentSubgraph);
