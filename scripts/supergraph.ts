import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';

export interface SubgraphEntry {
  name: string;
  url: string;
  file: string;
}

/** Reads a rover supergraph config (the `schema.file` form) into a list of subgraphs. */
export function readSupergraphConfig(configPath: string): SubgraphEntry[] {
  const config = YAML.parse(readFileSync(configPath, 'utf8')) as {
    subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
  };
  return Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    file: resolve(dirname(configPath), s.schema.file),
  }));
}

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

export function composeSupergraph(configPath: string): ComposeResult {
  const services = readSupergraphConfig(configPath).map((s) => ({
    name: s.name,
    url: s.url,
    typeDefs: parse(readFileSync(s.file, 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl };
}
