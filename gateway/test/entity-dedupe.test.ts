/** The gateway sends each distinct entity representation once and spreads the answer back. */
import { distinctRepresentations } from '@wsb/kernel';
import { spreadEntities } from '../src/data-source';

const ada = { __typename: 'User', id: 'ada' };
const bob = { __typename: 'User', id: 'bob' };

describe('entity fetches', () => {
  it('finds the distinct representations, in first-seen order', () => {
    expect(distinctRepresentations([ada, { ...ada }, bob, ada])).toEqual({ unique: [ada, bob], slots: [0, 0, 1, 0] });
    expect(distinctRepresentations([ada, bob])).toBeUndefined(); // nothing to save: sent as it is
  });

  it('answers every original position, each with its own copy, and repeats errors at each', () => {
    const answer = {
      data: { _entities: [{ name: 'Ada', address: { city: 'London' }, tags: [{ name: 'quiet' }] }, null] },
      errors: [{ message: 'gone', path: ['_entities', 1, 'name'] }, { message: 'other' }],
    };
    const spread = spreadEntities(answer, [0, 1, 0, 1]);
    const entities = (spread.data as any)._entities;
    expect(entities).toEqual([
      { name: 'Ada', address: { city: 'London' }, tags: [{ name: 'quiet' }] },
      null,
      { name: 'Ada', address: { city: 'London' }, tags: [{ name: 'quiet' }] },
      null,
    ]);
    expect(entities[2]).not.toBe(entities[0]);
    expect(entities[2].address).not.toBe(entities[0].address);
    expect(entities[2].tags).not.toBe(entities[0].tags);
    expect(entities[2].tags[0]).not.toBe(entities[0].tags[0]);
    expect(spread.errors).toEqual([
      { message: 'gone', path: ['_entities', 1, 'name'] },
      { message: 'gone', path: ['_entities', 3, 'name'] },
      { message: 'other' },
    ]);
  });
});
