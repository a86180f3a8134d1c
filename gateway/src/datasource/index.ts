export { createSubgraphAgent, undiciFetcher } from './fetcher';
export {
  SubgraphDataSource,
  type SubgraphCallConfig,
  type SubgraphDataSourceOptions,
} from './subgraph-data-source';
