/**
 * Static and cheap (no processes): every object type and field of every subgraph's schema.graphql,
 * federation's `_service`, `_entities` and `_Service` included, has a rule in that subgraph's
 * `permissions` map, either on the type or on the field. The shield denies anything without one
 * (fallback deny), so a field added without a decided rule would be silently closed, or, worse,
 * opened later by someone guessing; this test makes the decision explicit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, isObjectType, parse, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode } from 'graphql';
import type { IRules } from 'graphql-shield';
import { ROOT, SUBGRAPHS } from './support/platform';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a path computed per subgraph, loaded synchronously
const permissionsOf = (name: string): IRules => require(join(ROOT, 'subgraphs', name, 'src', 'permissions.ts')).permissions;
const sdlOf = (name: string) => parse(readFileSync(join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'));

/** Any @key (even `resolvable: false`) makes buildSubgraphSchema add `Query._entities`. */
const isKey = (directive: ConstDirectiveNode) => directive.name.value === 'key';

/** Type → fields, from the SDL's object type definitions and extensions, plus what federation adds. */
function objectFields(document: DocumentNode): Map<string, Set<string>> {
  const types = new Map<string, Set<string>>();
  const add = (type: string, fields: readonly FieldDefinitionNode[] = []) => {
    const set = types.get(type) ?? new Set<string>();
    fields.forEach((f) => set.add(f.name.value));
    types.set(type, set);
  };
  let entities = false;
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    add(def.name.value, def.fields);
    if (def.directives?.some(isKey)) entities = true;
  }
  add('Query');
  types.get('Query')!.add('_service');
  if (entities) types.get('Query')!.add('_entities');
  types.set('_Service', new Set(['sdl']));
  return types;
}

/** A type's entry is a rule (covers every field) or a map of field rules ('*' covers the rest). */
function isFieldMap(entry: unknown): entry is Record<string, unknown> {
  return typeof entry === 'object' && entry !== null && Object.getPrototypeOf(entry) === Object.prototype;
}

function uncovered(types: Map<string, Set<string>>, rules: IRules): string[] {
  const map = rules as Record<string, unknown>;
  const missing: string[] = [];
  for (const [type, fields] of types) {
    const entry = map[type];
    if (entry !== undefined && !isFieldMap(entry)) continue;
    for (const field of fields) {
      if (!entry || (entry[field] === undefined && entry['*'] === undefined)) missing.push(`${type}.${field}`);
    }
  }
  return missing.sort();
}

describe.each(SUBGRAPHS)('the %s subgraph', (name) => {
  const document = sdlOf(name);
  const types = objectFields(document);

  it('reads every object type and field of its schema from the SDL (checked against the built subgraph schema)', () => {
    const built = buildSubgraphSchema({ typeDefs: document });
    const fromSchema = new Map<string, Set<string>>();
    for (const type of Object.values(built.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      fromSchema.set(type.name, new Set(Object.keys(type.getFields())));
    }
    const flat = (m: Map<string, Set<string>>) => [...m].flatMap(([t, fs]) => [...fs].map((f) => `${t}.${f}`)).sort();
    expect(flat(types)).toEqual(flat(fromSchema));
  });

  it('has a permission rule for every object type or field, federation fields included', () => {
    expect(uncovered(types, permissionsOf(name))).toEqual([]);
  });

  it('has no rule for a type its schema does not have (a typo would leave the real one denied)', () => {
    const stale = Object.keys(permissionsOf(name)).filter((type) => !types.has(type));
    expect(stale).toEqual([]);
  });
});

describe('the coverage check itself', () => {
  const sdl = parse(`
    type Thing @key(fields: "id") { id: ID! secret: String }
    type Query { thing(id: ID!): Thing }
    extend type Query { things: [Thing!]! }
  `);

  it('finds a field without a rule, in a type extension too, and the federation fields', () => {
    const rules = { Query: { thing: {} }, Thing: { id: {} } } as unknown as IRules;
    expect(uncovered(objectFields(sdl), rules)).toEqual(['Query._entities', 'Query._service', 'Query.things', 'Thing.secret', '_Service.sdl']);
  });

  it('counts a type-level rule and a "*" fallback as covering every field', () => {
    class Rule {}
    const rules = { Query: { '*': new Rule() }, Thing: new Rule(), _Service: new Rule() } as unknown as IRules;
    expect(uncovered(objectFields(sdl), rules)).toEqual([]);
  });
});
