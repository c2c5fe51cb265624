/**
 * Each distinct entity representation resolved once: the gateway sends a subgraph each distinct
 * one, and a subgraph resolves each distinct one it is sent (another gateway, or a subgraph's own
 * `_entities` call, may repeat them).
 */
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';

/** The distinct representations and, for each original position, its index among them; undefined when all differ. */
export function distinctRepresentations(representations: readonly unknown[]): { unique: unknown[]; slots: number[] } | undefined {
  const index = new Map<string, number>();
  const unique: unknown[] = [];
  const slots = representations.map((representation) => {
    const key = JSON.stringify(representation);
    let slot = index.get(key);
    if (slot === undefined) {
      slot = unique.length;
      index.set(key, slot);
      unique.push(representation);
    }
    return slot;
  });
  return unique.length < representations.length ? { unique, slots } : undefined;
}

/** Makes the schema's `Query._entities` resolve each distinct representation once (the same object fills each repeat). */
export function resolveEachEntityOnce(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve as GraphQLFieldResolver<unknown, unknown, { representations: unknown[] }> | undefined;
  if (!field || !resolve) return;
  field.resolve = (parent, args, context, info) => {
    const distinct = distinctRepresentations(args.representations);
    if (!distinct) return resolve(parent, args, context, info);
    const resolved = resolve(parent, { ...args, representations: distinct.unique }, context, info) as unknown[];
    return distinct.slots.map((slot) => resolved[slot]);
  };
}
