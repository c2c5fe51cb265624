/** Entities other subgraphs own: this subgraph only ever knows their id. */
export interface UserRef {
  id: string;
}

export interface WorkspaceRef {
  id: string;
}
