import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { EnvReader } from '@wsb/kernel';

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
    maxCost: r.int('GRAPHQL_MAX_COST', 5000, { min: 1, max: 10_000_000 }),
    maskSuggestions: production,
    maxBodyBytes: r.int('GRAPHQL_MAX_BODY_BYTES', 100_000, { min: 1000, max: 10_000_000 }),
  };
}

/**
 * graphql-armor's plugins and validation rules; limits are exposed in messages so clients can adapt.
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
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits: true },
    blockFieldSuggestion: { enabled: limits.maskSuggestions },
  }).protect();
  return { ...armor, parseOptions: { maxTokens: limits.maxTokens } };
}
