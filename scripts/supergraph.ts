import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse, Source, type DocumentNode, type GraphQLError, type Location } from 'graphql';
import YAML from 'yaml';

export interface SubgraphEntry {
  name: string;
  url: string;
  /** The schema file, absolute. */
  file: string;
  /** The same file as rover.yaml names it, relative to the repository root (for `git show`). */
  path: string;
}

/** A subgraph's schema as text: from the working tree, from a base revision, or made up by a test. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** One composition error, with what it is about: `Type.field` coordinates and the subgraphs involved. */
export interface CompositionProblem {
  code: string;
  message: string;
  subgraphs: string[];
  coordinates: string[];
}

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[]; problems: CompositionProblem[] };

/** Reads a rover supergraph config (the `schema.file` form) into a list of subgraphs. */
export function readSupergraphConfig(configPath: string): SubgraphEntry[] {
  return parseSupergraphConfig(readFileSync(configPath, 'utf8')).map((s) => ({
    ...s,
    file: resolve(dirname(configPath), s.path),
  }));
}

/** The subgraphs of a rover.yaml text: name, routing URL and schema file (as written, `./` dropped). */
export function parseSupergraphConfig(yaml: string): Omit<SubgraphEntry, 'file'>[] {
  const config = YAML.parse(yaml) as { subgraphs: Record<string, { routing_url: string; schema: { file: string } }> };
  return Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    path: s.schema.file.replace(/^\.\//, ''),
  }));
}

export function readSubgraphSources(configPath: string): SubgraphSource[] {
  return readSupergraphConfig(configPath).map((s) => ({ name: s.name, url: s.url, sdl: readFileSync(s.file, 'utf8') }));
}

export function composeSupergraph(configPath: string): ComposeResult {
  return composeSubgraphs(readSubgraphSources(configPath));
}

/** Composes with @apollo/composition, the library `rover supergraph compose` runs. */
export function composeSubgraphs(subgraphs: SubgraphSource[]): ComposeResult {
  const documents = new Map<string, DocumentNode>();
  try {
    for (const s of subgraphs) documents.set(s.name, parse(new Source(s.sdl, s.name)));
  } catch (err) {
    const problem = syntaxProblem(err as GraphQLError);
    return { ok: false, errors: [problem.message], problems: [problem] };
  }
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: documents.get(s.name)! })));
  if (!result.errors) return { ok: true, supergraphSdl: result.supergraphSdl };
  const problems = result.errors.map((e) => describeProblem(e, documents));
  return { ok: false, errors: problems.map((p) => p.message), problems };
}

/** The line every caller prints for a problem: its subgraphs, code, coordinates and message. */
export function formatProblem(p: CompositionProblem): string {
  const where = [p.subgraphs.length ? `subgraph ${p.subgraphs.join(', ')}` : 'supergraph', ...p.coordinates].join(' · ');
  return `[${where}] ${p.code}: ${p.message}`;
}

/** The stale-supergraph check of `npm run compose -- --check` and of `npm run schema:check`. */
export function supergraphStaleness(composedSdl: string, committedSdl: string | null): string | null {
  if (committedSdl === composedSdl) return null;
  return committedSdl === null
    ? 'schema/supergraph.graphql is missing: run npm run compose and commit it.'
    : 'schema/supergraph.graphql is stale: run npm run compose and commit it.';
}

function syntaxProblem(err: GraphQLError): CompositionProblem {
  const subgraph = err.source?.name;
  return { code: 'INVALID_GRAPHQL', message: err.message, subgraphs: subgraph ? [subgraph] : [], coordinates: [] };
}

/** Names the subgraphs an error's nodes come from and the `Type.field` each node sits in. */
function describeProblem(error: GraphQLError, documents: Map<string, DocumentNode>): CompositionProblem {
  const subgraphs = new Set<string>();
  const coordinates = new Set<string>();
  for (const node of error.nodes ?? []) {
    const name = node.loc?.source.name;
    const document = name ? documents.get(name) : undefined;
    if (!name || !document) continue;
    subgraphs.add(name);
    const coordinate = coordinateAt(document, node.loc!.start);
    if (coordinate) coordinates.add(coordinate);
  }
  for (const match of error.message.matchAll(/subgraphs? ((?:"[^"]+"(?:,| and| or)? ?)+)/g)) {
    for (const quoted of match[1].matchAll(/"([^"]+)"/g)) if (documents.has(quoted[1])) subgraphs.add(quoted[1]);
  }
  const code = String(error.extensions?.code ?? 'COMPOSITION_ERROR');
  return { code, message: error.message, subgraphs: [...subgraphs], coordinates: [...coordinates] };
}

/** `Type`, `Type.field` or `Type.field(arg:)` of the innermost definition containing an offset. */
function coordinateAt(document: DocumentNode, offset: number): string | null {
  const contains = (node: { loc?: { start: number; end: number } }) => !!node.loc && node.loc.start <= offset && offset < node.loc.end;
  const type = document.definitions.find((d) => contains(d) && 'name' in d && d.name);
  if (!type || !('name' in type) || !type.name) return null;
  const fields = ('fields' in type ? type.fields : undefined) ?? ('values' in type ? type.values : undefined) ?? [];
  const field = (fields as readonly { name: { value: string }; loc?: Location; arguments?: readonly { name: { value: string }; loc?: Location }[] }[]).find(
    contains,
  );
  if (!field) return type.name.value;
  const argument = field.arguments?.find(contains);
  return `${type.name.value}.${field.name.value}${argument ? `(${argument.name.value}:)` : ''}`;
}
