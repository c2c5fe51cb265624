/**
 * Apollo Gateway's result shaping (`computeResponse`, run on every answer) reads a handful of
 * exports of @apollo/federation-internals for every value it copies: `isNonNullType`,
 * `isListType`, `assert`, `typenameFieldName`... That package re-exports its modules through
 * TypeScript's `__exportStar`, so each of its ~300 exports is a getter on an object V8 keeps in
 * dictionary mode: a hash lookup and a call for every read, about 25 ns against 3 for a plain
 * property here. On the 30-item page it was the gateway's largest function by self time (about a
 * twelfth of its busy time, docs/benchmarks.md).
 *
 * Imported before @apollo/gateway, this replaces the package's cached exports with a plain copy of
 * the same values, so every module that requires it afterwards (the gateway, the query planner)
 * reads data properties. The package assigns each export once, when it loads: the copy holds the
 * same functions, classes and constants (gateway/test/federation-internals.test.ts compares them).
 */
import { createRequire } from 'node:module';

const APOLLO_RUNTIME = /[\\/]node_modules[\\/]@apollo[\\/](gateway|query-planner|query-graphs)[\\/]/;

export interface FlatteningState {
  /** Modules of @apollo/gateway, query-planner or query-graphs already loaded when it ran: they keep the getters. */
  loadedBefore: string[];
  /** The package's own exports object, getters and all. */
  original: Record<string, unknown>;
}

function flatten(): FlatteningState {
  // The copy @apollo/gateway itself resolves, wherever npm put it.
  const gatewayRequire = createRequire(require.resolve('@apollo/gateway'));
  const file = gatewayRequire.resolve('@apollo/federation-internals');
  const original = gatewayRequire(file) as Record<string, unknown>;
  const cached = require.cache[file]!;
  const loadedBefore = Object.keys(require.cache).filter((key) => APOLLO_RUNTIME.test(key));
  if (cached.exports === original) {
    const flat: Record<string, unknown> = { ...original };
    Object.defineProperty(flat, '__esModule', { value: true });
    cached.exports = flat;
  }
  return { loadedBefore, original };
}

export const federationInternals: FlatteningState = flatten();
