import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { bookingSubgraph } from './subgraph';

void startSubgraph(bookingSubgraph);
