/**
 * The user subgraph owns profiles; auth creates them when an account is made and reads them to
 * put the current role into tokens. AuthPayload.user returns these fields itself (@provides),
 * because an anonymous caller of register or login could not read them from the user subgraph.
 */
import { fetchEntities, type ServiceClient } from '@wsb/kernel';
import { CreateUserProfileDocument, CurrentProfileDocument, type CreateUserProfileInput, type ProfileFragment } from './__generated__/operations';

export type Profile = Omit<ProfileFragment, 'createdAt'> & { createdAt: Date };

/** DateTime travels as an ISO string; the scalar here serializes Dates. */
function fromWire(profile: ProfileFragment): Profile {
  return { ...profile, createdAt: new Date(profile.createdAt) };
}

/** Idempotent on id: an existing profile takes the email and role and keeps its name. */
export async function createUserProfile(services: ServiceClient, input: CreateUserProfileInput): Promise<Profile> {
  const data = await services.request('user', CreateUserProfileDocument, { input });
  return fromWire(data._createUserProfile);
}

/** The profile as it is now (an admin may have changed the role); null when there is none. */
export async function findProfile(services: ServiceClient, id: string): Promise<Profile | null> {
  const [profile] = await fetchEntities(services, 'user', CurrentProfileDocument, 'User', [id]);
  return profile ? fromWire(profile) : null;
}
