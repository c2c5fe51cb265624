import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PORTS, SERVICE_NAMES } from '../packages/kernel/src/services';
import { composeSupergraph, readSupergraphConfig } from '../scripts/supergraph';

const root = resolve(__dirname, '..');

describe('the supergraph', () => {
  const result = composeSupergraph(resolve(root, 'rover.yaml'));

  it('composes from the eight subgraph schemas named in rover.yaml: the subgraphs of services.json, on their ports', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(SERVICE_NAMES).toHaveLength(8);
    // rover.yaml stays a static file rover reads; it must name services.json's subgraphs, in its order.
    expect(readSupergraphConfig(resolve(root, 'rover.yaml')).map((s) => [s.name, s.url, s.path])).toEqual(
      SERVICE_NAMES.map((name) => [name, `http://localhost:${DEFAULT_PORTS[name]}/graphql`, `subgraphs/${name}/schema.graphql`]),
    );
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
