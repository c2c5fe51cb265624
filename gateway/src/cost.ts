/**
 * What an operation will cost, estimated from the query before anything runs: about the number of
 * objects its answer can hold, so a list multiplies what is selected inside it by its size.
 *
 * - An object costs 1; a scalar costs nothing unless it takes arguments (then it computes
 *   something, like `Workspace.isAvailable`, which asks the booking subgraph).
 * - A field with a `first` argument holds `first` items, or its default page size when `first` is
 *   absent (kernel's `listBounds`, which the resolvers enforce): a connection's lists (`edges`)
 *   hold that many, or the field's own list does (`myNotifications`). A `first` over the maximum
 *   counts as the maximum, since the resolver refuses it anyway, with a clearer message.
 * - Any other list (`AdminDashboard.services`, `BookingReport.occupancy`) holds a default page.
 * - A mutation's own field costs MUTATION_COST more: it writes (as in the IBM cost specification).
 * - `__typename` and introspection cost nothing; `@skip` and `@include` are ignored (counted).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { listBounds } from '@wsb/kernel';

export const MUTATION_COST = 10;
/** The code of a refusal (API.md): extensions carry `cost` and `limit`, so a client can adapt. */
const COST_ERROR_CODE = 'COST_ESTIMATED_TOO_EXPENSIVE';

/** The estimated cost of one operation of `document`, with the request's variables. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> = {},
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  // Coerced, so a variable's default applies; variables that do not coerce are refused later anyway.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 1 });
  const variables = coerced.coerced ?? rawVariables;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // A fragment's cost depends only on the fragment (its items come from the field spreading it),
  // so each is computed once: fragments spreading fragments cannot make this exponential.
  const fragmentCosts = new Map<string, number>();

  const firstOf = (field: FieldNode): unknown => {
    const argument = field.arguments?.find((a) => a.name.value === 'first');
    return argument ? valueFromASTUntyped(argument.value, variables) : undefined;
  };

  const itemsOf = (field: FieldNode, parent: GraphQLCompositeType, fieldName: string): number => {
    const { default: fallback, max } = listBounds(`${parent.name}.${fieldName}`);
    const first = firstOf(field);
    return typeof first === 'number' && Number.isInteger(first) ? Math.min(Math.max(first, 0), max) : fallback;
  };

  /** `pageItems`: the size of this connection's lists, when the field holding it took `first`. */
  const selectionCost = (set: SelectionSetNode, parent: GraphQLCompositeType, pageItems?: number): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, pageItems);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) total += selectionCost(selection.selectionSet, type, pageItems);
      } else {
        total += spreadCost(selection.name.value, pageItems);
      }
    }
    return total;
  };

  const spreadCost = (name: string, pageItems?: number): number => {
    const key = `${name}/${pageItems ?? ''}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    fragmentCosts.set(key, 0); // a cycle (validation refuses it first) adds nothing
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    const cost = fragment && isCompositeType(type) ? selectionCost(fragment.selectionSet, type, pageItems) : 0;
    fragmentCosts.set(key, cost);
    return cost;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLCompositeType, pageItems?: number): number => {
    const name = field.name.value;
    if (name.startsWith('__')) return 0;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!definition) return 0; // unknown: validation refuses it first
    const writes = parent === root && operation.operation === 'mutation' ? MUTATION_COST : 0;
    const paged = definition.args.some((a) => a.name === 'first');
    const isList = isListType(getNullableType(definition.type));
    let items = 1;
    let childPageItems: number | undefined;
    if (paged && isList) items = itemsOf(field, parent, name);
    else if (paged) childPageItems = itemsOf(field, parent, name);
    else if (isList) items = pageItems ?? listBounds(`${parent.name}.${name}`).default;
    const type = getNamedType(definition.type);
    const own = isCompositeType(type) || definition.args.length > 0 ? 1 : 0;
    const inner = isCompositeType(type) && field.selectionSet ? selectionCost(field.selectionSet, type, childPageItems) : 0;
    return writes + items * (own + inner);
  };

  return selectionCost(operation.selectionSet, root);
}

/** Costs already computed: the same operation with the same variables costs the same. */
export interface CostCache {
  cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number;
}

/** Variables' costs kept per operation; past this many, the operation's are forgotten and counted again. */
const MAX_COSTS_PER_OPERATION = 100;

/**
 * Apollo Server keeps one parsed document per query text (its document store), so a query a client
 * sends again arrives as the same operation node: its cost is looked up by the node and the
 * request's variables (as JSON) instead of walking the query again (about 0.1 ms a request at the
 * gateway on the 30-item page). A new schema (or another document) starts afresh.
 */
export function createCostCache(estimate: typeof operationCost = operationCost): CostCache {
  let forSchema: GraphQLSchema | undefined;
  let byOperation = new WeakMap<OperationDefinitionNode, Map<string, number>>();
  return {
    cost(schema, document, operation, variables) {
      if (schema !== forSchema) {
        forSchema = schema;
        byOperation = new WeakMap();
      }
      const key = keyOf(variables);
      // Variables JSON cannot write (nested past the stack, say): estimated as they come, never kept.
      if (key === undefined) return estimate(schema, document, operation, variables);
      let known = byOperation.get(operation);
      if (!known) byOperation.set(operation, (known = new Map()));
      let cost = known.get(key);
      if (cost === undefined) {
        cost = estimate(schema, document, operation, variables);
        if (known.size >= MAX_COSTS_PER_OPERATION) known.clear();
        known.set(key, cost);
      }
      return cost;
    },
  };
}

function keyOf(variables: Record<string, unknown>): string | undefined {
  try {
    return JSON.stringify(variables);
  } catch {
    return undefined;
  }
}

/**
 * Refuses an operation whose estimated cost is over `limit` before it runs: 400 with
 * COST_ESTIMATED_TOO_EXPENSIVE, the cost and the limit. After validation, so the query is known
 * to be valid, and with the variables, so `first: $first` counts what it asks for.
 */
export function costLimit(limit: number, cache: CostCache = createCostCache()): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = cache.cost(schema, document, operation, request.variables ?? {});
          if (cost > limit) {
            throw new GraphQLError(`The query's estimated cost ${cost} is over the limit of ${limit}: ask for fewer items (first) or fewer nested lists.`, {
              extensions: { code: COST_ERROR_CODE, cost, limit, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
