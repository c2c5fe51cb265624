import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { EnvReader } from '@wsb/kernel';
import { costLimit } from './cost';

/**
 * The default budget of cost.ts's estimate: every documented example at the largest page
 * (the README's federated page at first: 100 costs 601) fits; two of those, or a page of pages, do not.
 */
export const DEFAULT_MAX_COST = 1000;

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Hide "Did you mean ...?" field suggestions (production), so the schema can't be mapped by typos. */
  maskSuggestions: boolean;
  maxBodyBytes: number;
}

export function readQueryLimits(r: EnvReader, production: boolean): QueryLimits {
  return {
    maxDepth: r.int('GRAPHQL_MAX_DEPTH', 10, { min: 1, max: 100 }),
    maxAliases: r.int('GRAPHQL_MAX_ALIASES', 15, { min: 0, max: 1000 }),
    maxDirectives: r.int('GRAPHQL_MAX_DIRECTIVES', 20, { min: 0, max: 1000 }),
    maxTokens: r.int('GRAPHQL_MAX_TOKENS', 2000, { min: 10, max: 1_000_000 }),
    maxCost: r.int('GRAPHQL_MAX_COST', DEFAULT_MAX_COST, { min: 1, max: 10_000_000 }),
    maskSuggestions: production,
    maxBodyBytes: r.int('GRAPHQL_MAX_BODY_BYTES', 100_000, { min: 1000, max: 10_000_000 }),
  };
}

/**
 * graphql-armor's plugins and validation rules, and our cost limit; limits are exposed in messages so clients can adapt.
 * The token limit is graphql-js's own `maxTokens` parse option (parseOptions): armor's token plugin
 * re-parses the query in a hook, so every syntax error, not only an over-long query, became a 500.
 * Every alias counts, `__typename` ones included (armor exempts them by default).
 */
export function queryProtection(limits: QueryLimits) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, allowList: [] },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    maxTokens: { enabled: false },
    // Our own estimate (cost.ts) counts list sizes; armor's counted a fixed weight per field.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: limits.maskSuggestions },
  }).protect();
  return { ...armor, plugins: [...armor.plugins, costLimit(limits.maxCost)], parseOptions: { maxTokens: limits.maxTokens } };
}
