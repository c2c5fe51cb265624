import { DependencyUnavailableError } from '@wsb/kernel';
import { stubServices } from '@wsb/kernel/src/testing';

export interface StoredProfile {
  id: string;
  email: string;
  name: string;
  role: 'MEMBER' | 'ADMIN';
  createdAt: string;
}

/** The user subgraph as auth sees it: `_createUserProfile` and `_entities`, over an in-test map. */
export function stubUserSubgraph() {
  const profiles = new Map<string, StoredProfile>();
  const state = { down: false };
  const stub = stubServices({
    user: (query, variables) => {
      if (state.down) throw new DependencyUnavailableError('user');
      if (query.includes('_createUserProfile')) {
        const input = variables.input as Omit<StoredProfile, 'createdAt'>;
        const existing = profiles.get(input.id);
        const profile = { ...input, name: existing?.name ?? input.name, createdAt: existing?.createdAt ?? new Date().toISOString() };
        profiles.set(input.id, profile);
        return { _createUserProfile: profile };
      }
      if (query.includes('_entities')) {
        const found = (variables.representations as { id: string }[]).map((ref) => profiles.get(ref.id));
        return { _entities: found.map((profile) => (profile ? { __typename: 'User', ...profile } : null)) };
      }
      throw new Error(`unexpected user query: ${query}`);
    },
  });
  return { ...stub, profiles, state };
}
