/**
 * The three views of the graph the checks validate against:
 * - the API schema: what clients see (the supergraph without @inaccessible), as the gateway serves it;
 * - the internal schema: every field of the supergraph, @inaccessible ones included, plus
 *   federation's `_entities`, which is what subgraphs may call on each other (and what codegen
 *   types their operations with);
 * - one subgraph's own schema, as @apollo/subgraph serves it (its `_entities` covers its entities).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Supergraph } from '@apollo/federation-internals';
import { buildASTSchema, Kind, parse, printSchema, visit, type DefinitionNode, type DirectiveNode, type DocumentNode, type GraphQLSchema } from 'graphql';

export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** Directives that describe the composition, not the graph. */
const MACHINERY = /^(join__|link__|link$|inaccessible$)/;
const KEPT_DIRECTIVES = new Set(['deprecated', 'specifiedBy', 'oneOf']);

export function internalSchema(supergraphSdl: string): GraphQLSchema {
  return buildASTSchema(internalDocument(parse(supergraphSdl)));
}

/** The internal schema as SDL: codegen's schema for the operations subgraphs send each other. */
export function internalSchemaSdl(supergraphSdl: string): string {
  return printSchema(internalSchema(supergraphSdl));
}

export function subgraphSchema(sdl: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(sdl) });
}

function internalDocument(supergraph: DocumentNode): DocumentNode {
  const entities = supergraph.definitions.flatMap((d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION && d.directives?.some(isEntityKey) ? [d.name.value] : []));
  const stripped = visit(supergraph, {
    Directive: (node) => (KEPT_DIRECTIVES.has(node.name.value) ? undefined : null),
  });
  const definitions = stripped.definitions.filter((d) => !isMachinery(d));
  const federation = parse(`
    scalar _Any
    union _Entity = ${entities.join(' | ')}
    extend type Query { _entities(representations: [_Any!]!): [_Entity]! }
  `);
  return { kind: Kind.DOCUMENT, definitions: [...definitions, ...federation.definitions] };
}

function isEntityKey(directive: DirectiveNode): boolean {
  return directive.name.value === 'join__type' && !!directive.arguments?.some((a) => a.name.value === 'key');
}

function isMachinery(definition: DefinitionNode): boolean {
  if (definition.kind === Kind.SCHEMA_DEFINITION) return false;
  return 'name' in definition && !!definition.name && MACHINERY.test(definition.name.value);
}
