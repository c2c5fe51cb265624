/** One rule for ids in every subgraph: canonicalId, loadById and requireUuid. */
import DataLoader from 'dataloader';
import { BadUserInputError, canonicalId, loadById, requireUuid } from '../src';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

it('a UUID in any case is that id in lower case; anything else is no id', () => {
  expect(canonicalId(ID.toUpperCase())).toBe(ID);
  expect(canonicalId(ID)).toBe(ID);
  for (const bad of ['nope', '', `${ID}x`, 42, null, undefined, { id: ID }]) expect(canonicalId(bad)).toBeNull();
});

it('loadById asks the loader for the canonical id and answers null for a malformed one without asking', async () => {
  const asked: string[] = [];
  const loader = new DataLoader<string, { id: string } | null>(async (ids) => {
    asked.push(...ids);
    return ids.map((id) => (id === ID ? { id } : null));
  });
  expect(await loadById(loader, ID.toUpperCase())).toEqual({ id: ID });
  expect(loadById(loader, 'nope')).toBeNull();
  expect(asked).toEqual([ID]);
});

it('requireUuid gives the canonical id, and BAD_USER_INPUT naming the field for a malformed one', () => {
  expect(requireUuid(ID.toUpperCase(), 'id')).toBe(ID);
  expect(() => requireUuid('nope', 'workspaceId')).toThrow(new BadUserInputError('workspaceId is not a valid id.', 'workspaceId'));
});
