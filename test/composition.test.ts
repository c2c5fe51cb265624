import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeSupergraph, readSupergraphConfig } from '../scripts/supergraph';

const root = resolve(__dirname, '..');

describe('the supergraph', () => {
  const result = composeSupergraph(resolve(root, 'rover.yaml'));

  it('composes from the eight subgraph schemas named in rover.yaml', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(readSupergraphConfig(resolve(root, 'rover.yaml')).map((s) => [s.name, s.url])).toEqual([
      ['auth', 'http://localhost:3000/graphql'],
      ['user', 'http://localhost:3001/graphql'],
      ['workspace', 'http://localhost:3002/graphql'],
      ['booking', 'http://localhost:3003/graphql'],
      ['payment', 'http://localhost:3004/graphql'],
      ['notification', 'http://localhost:3005/graphql'],
      ['reporting', 'http://localhost:3006/graphql'],
      ['admin', 'http://localhost:3007/graphql'],
    ]);
  });

  it('is committed as composed (run npm run compose after changing a subgraph schema)', () => {
    expect(result.ok && result.supergraphSdl).toBe(readFileSync(resolve(root, 'schema/supergraph.graphql'), 'utf8'));
  });

  it('keeps internal operations out of the public API', () => {
    const sdl = result.ok ? result.supergraphSdl : '';
    for (const internal of ['_createPayment', '_refundPayment', '_sendNotification', '_recordActivity', '_createUserProfile', '_recordAudit']) {
      expect(sdl).toMatch(new RegExp(`${internal}\\(.*@inaccessible`));
    }
  });
});
