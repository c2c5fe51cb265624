/**
 * The user subgraph owns profiles; auth creates them when an account is made and reads them to
 * put the current role into tokens. AuthPayload.user returns these fields itself (@provides),
 * because an anonymous caller of register or login could not read them from the user subgraph.
 */
import { fetchEntities, type Role, type ServiceClient } from '@wsb/kernel';

export interface Profile {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
}

const PROFILE_FIELDS = 'id email name role createdAt';
type WireProfile = Omit<Profile, 'createdAt'> & { createdAt: string };

/** DateTime travels as an ISO string; the scalar here serializes Dates. */
function fromWire(profile: WireProfile): Profile {
  return { ...profile, createdAt: new Date(profile.createdAt) };
}

/** Idempotent on id: an existing profile takes the email and role and keeps its name. */
export async function createUserProfile(
  services: ServiceClient,
  input: { id: string; email: string; name: string; role: Role },
): Promise<Profile> {
  const data = await services.request<{ _createUserProfile: WireProfile }>(
    'user',
    `mutation ($input: CreateUserProfileInput!) { _createUserProfile(input: $input) { ${PROFILE_FIELDS} } }`,
    { input },
  );
  return fromWire(data._createUserProfile);
}

/** The profile as it is now (an admin may have changed the role); null when there is none. */
export async function findProfile(services: ServiceClient, id: string): Promise<Profile | null> {
  const [profile] = await fetchEntities<WireProfile>(services, 'user', 'User', [id], PROFILE_FIELDS);
  return profile ? fromWire(profile) : null;
}
