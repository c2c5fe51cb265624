import './tracing';
import { startSubgraph } from '@wsb/kernel';
import { reportingSubgraph } from './subgraph';

void startSubgraph(reportingSubgraph);
