/**
 * The schema checks on given inputs (no file system, no git): the CLI (index.ts) reads the
 * working tree and the base revision and hands them here, and tests hand in edited copies.
 */
import type { GraphQLSchema } from 'graphql';
import { composeSubgraphs, formatProblem, supergraphStaleness, type SubgraphSource } from '../supergraph';
import { acknowledgementOf, apiChanges, describeChange, newAcknowledgements } from './breaking';
import { validateOperations, type InternalOperationFile, type OperationFile } from './operations';
import { apiSchema, internalSchema, subgraphSchema } from './schemas';

export interface BaseRevision {
  /** How the base was chosen, e.g. "merge base with main (1a2b3c4)". */
  label: string;
  subgraphs: SubgraphSource[];
  supergraph: string | null;
  changelog: string | null;
}

export interface SchemaCheckInput {
  subgraphs: SubgraphSource[];
  committedSupergraph: string | null;
  /** null: no base revision (a first commit, no main): the API diff is skipped. */
  base: BaseRevision | null;
  changelog: string;
  clientOperations: OperationFile[];
  internalOperations: InternalOperationFile[];
}

export interface Section {
  id: string;
  title: string;
  ok: boolean;
  lines: string[];
}

export interface SchemaCheckReport {
  ok: boolean;
  sections: Section[];
  /** The composed supergraph of the inputs, when they compose. */
  supergraphSdl: string | null;
}

export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const sections: Section[] = [perSubgraphComposition(input)];
  const composed = composeSubgraphs(input.subgraphs);
  if (!composed.ok) {
    sections.push({ id: 'b', title: 'Supergraph', ok: false, lines: composed.problems.map((p) => `✗ ${formatProblem(p)}`) });
    for (const [id, title] of [
      ['c', 'API changes'],
      ['d', 'Client operations'],
      ['e', 'Internal operations'],
    ]) {
      sections.push({ id, title, ok: false, lines: ['not run: the subgraphs do not compose'] });
    }
    return { ok: false, sections, supergraphSdl: null };
  }
  const stale = supergraphStaleness(composed.supergraphSdl, input.committedSupergraph);
  sections.push({ id: 'b', title: 'Supergraph', ok: !stale, lines: [stale ? `✗ ${stale}` : '✓ composes, and schema/supergraph.graphql is up to date'] });
  const api = apiSchema(composed.supergraphSdl);
  sections.push(await apiDiff(input, api, composed.supergraphSdl));
  sections.push(clientOperations(input.clientOperations, api));
  sections.push(internalOperations(input, composed.supergraphSdl));
  return { ok: sections.every((s) => s.ok), sections, supergraphSdl: composed.supergraphSdl };
}

/**
 * As `rover subgraph check` does: each subgraph that changed since the base, composed with the
 * base revision's other subgraphs, so a problem is pinned on the subgraph that brings it.
 */
function perSubgraphComposition({ subgraphs, base }: SchemaCheckInput): Section {
  const section: Section = { id: 'a', title: 'Composition per subgraph', ok: true, lines: [] };
  if (!base) {
    section.lines.push('no base revision: each subgraph is checked in the full composition below');
    return section;
  }
  section.title += ` (against the other subgraphs at ${base.label})`;
  const baseByName = new Map(base.subgraphs.map((s) => [s.name, s]));
  const changed = subgraphs.filter((s) => baseByName.get(s.name)?.sdl !== s.sdl);
  if (!changed.length) section.lines.push('no subgraph schema changed');
  for (const subgraph of changed) {
    const others = base.subgraphs.filter((s) => s.name !== subgraph.name && subgraphs.some((n) => n.name === s.name));
    const result = composeSubgraphs([...others, subgraph]);
    if (result.ok) {
      section.lines.push(`✓ ${subgraph.name}${baseByName.has(subgraph.name) ? '' : ' (new)'} composes with the others`);
      continue;
    }
    section.ok = false;
    section.lines.push(`✗ ${subgraph.name} does not compose with the others:`);
    section.lines.push(...result.problems.map((p) => `    ${formatProblem(p)}`));
  }
  return section;
}

async function apiDiff(input: SchemaCheckInput, api: GraphQLSchema, supergraphSdl: string): Promise<Section> {
  const section: Section = { id: 'c', title: 'API changes', ok: true, lines: [] };
  const baseApi = input.base && baseApiSchema(input.base, input.subgraphs, supergraphSdl);
  if (!input.base || !baseApi) {
    section.lines.push(
      input.base ? `the base revision (${input.base.label}) does not compose: nothing to compare with` : 'no base revision: nothing to compare with',
    );
    return section;
  }
  section.title += ` since ${input.base.label}`;
  const changes = await apiChanges(baseApi, api);
  const { acks, problems } = newAcknowledgements(input.changelog, input.base.changelog);
  section.lines.push(...problems.map((p) => `! schema/CHANGELOG.md: ${p}`));
  section.lines.push(`Breaking (${changes.breaking.length}):`);
  for (const change of changes.breaking) {
    const ack = acknowledgementOf(change, acks);
    if (!ack) section.ok = false;
    section.lines.push(`  ${ack ? '✓' : '✗'} ${describeChange(change)}`);
    section.lines.push(
      ack
        ? `      acknowledged: ${ack.line}`
        : `      not acknowledged: deprecate first, or add "- Breaking: \`${change.path}\` — <why>" to schema/CHANGELOG.md`,
    );
  }
  section.lines.push(`Dangerous (${changes.dangerous.length}):`, ...changes.dangerous.map((c) => `  ! ${describeChange(c)}`));
  section.lines.push(`Safe (${changes.safe.length}):`, ...changes.safe.map((c) => `  + ${describeChange(c)}`));
  const used = new Set(acks.filter((a) => changes.breaking.some((c) => acknowledgementOf(c, [a]))).map((a) => a.coordinate));
  for (const ack of acks.filter((a) => !used.has(a.coordinate))) section.lines.push(`note: "${ack.line}" matches no breaking change`);
  return section;
}

/**
 * The base's API composed from the base's subgraph schemas, like the new one (its committed
 * supergraph may have been stale); the committed one only when those do not compose.
 */
function baseApiSchema(base: BaseRevision, subgraphs: SubgraphSource[], supergraphSdl: string): GraphQLSchema | null {
  const same = base.subgraphs.length === subgraphs.length && base.subgraphs.every((b, i) => b.name === subgraphs[i].name && b.sdl === subgraphs[i].sdl);
  if (same) return apiSchema(supergraphSdl);
  const composed = composeSubgraphs(base.subgraphs);
  if (composed.ok) return apiSchema(composed.supergraphSdl);
  return base.supergraph ? apiSchema(base.supergraph) : null;
}

function clientOperations(files: OperationFile[], api: GraphQLSchema): Section {
  const section: Section = { id: 'd', title: 'Client operations (schema/operations/) against the API schema', ok: true, lines: [] };
  for (const file of files) {
    const problems = validateOperations(api, file);
    if (problems.length) section.ok = false;
    section.lines.push(...(problems.length ? problems.map((p) => `✗ ${p}`) : [`✓ ${file.path}`]));
  }
  return section;
}

/**
 * What subgraphs send each other: valid against the supergraph with its @inaccessible fields, and
 * against the schema of the subgraph it is sent to (which is the one that must answer it).
 */
function internalOperations(input: SchemaCheckInput, supergraphSdl: string): Section {
  const section: Section = { id: 'e', title: 'Internal operations (src/operations/) against the supergraph, @inaccessible included', ok: true, lines: [] };
  const internal = internalSchema(supergraphSdl);
  const targets = new Map(input.subgraphs.map((s) => [s.name, s]));
  for (const file of input.internalOperations) {
    const target = targets.get(file.target);
    const problems = validateOperations(internal, file);
    if (!target) problems.push(`${file.path}: no subgraph "${file.target}" in rover.yaml (the file's name says where it is sent)`);
    else if (!problems.length) problems.push(...validateOperations(subgraphSchema(target.sdl), file).map((p) => `${p} (in ${file.target}'s own schema)`));
    if (problems.length) section.ok = false;
    section.lines.push(...(problems.length ? problems.map((p) => `✗ ${p}`) : [`✓ ${file.path} (${file.sender} → ${file.target})`]));
  }
  return section;
}

export function formatReport(report: SchemaCheckReport): string {
  const out: string[] = [];
  for (const s of report.sections) {
    out.push(`${s.ok ? 'PASS' : 'FAIL'} ${s.id}. ${s.title}`, ...s.lines.map((l) => `     ${l}`));
  }
  return out.join('\n');
}
