import { allow, isAdmin, isInternalService, type IRules } from '@wsb/kernel';

/** Workspaces are public to read; only admins change them. Anything not listed is denied. */
export const permissions: IRules = {
  Query: {
    _service: allow,
    _entities: allow,
    workspace: allow,
    workspaces: allow,
    _workspaceCount: isInternalService,
  },
  Mutation: {
    createWorkspace: isAdmin,
    updateWorkspace: isAdmin,
    archiveWorkspace: isAdmin,
  },
  _Service: allow,
  Workspace: allow,
  WorkspaceConnection: allow,
  WorkspaceEdge: allow,
  PageInfo: allow,
  Money: allow,
};
