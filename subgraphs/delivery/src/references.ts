/** An entity owned by another subgraph, known here only by its key. */
export interface EntityReference {
  id: string;
}
