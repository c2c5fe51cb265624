/**
 * Text a client sends must be storable. PostgreSQL cannot hold a NUL character in text (the query
 * fails, which reached clients as an internal error), and an unpaired UTF-16 surrogate has no
 * UTF-8 form (it was silently stored as U+FFFD, so the value did not round-trip). Both are refused
 * up front, in variables and in string literals alike, as BAD_USER_INPUT naming where they were.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';

// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store in text, so it is matched on purpose
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** Where the first unstorable string in a JSON value is (e.g. `$input.name`), if any. Iterative: variables may nest deeply. */
export function findUnstorableText(variables: Record<string, unknown> | undefined | null): string | undefined {
  const stack: [unknown, string][] = Object.entries(variables ?? {}).map(([name, value]) => [value, `$${name}`]);
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, `${path}.${key}`]);
    }
  }
  return undefined;
}

/** Per parsed document: Apollo parses each distinct query once and hands out the same document. */
const literalChecks = new WeakMap<DocumentNode, number | undefined>();

function findUnstorableLiteral(document: DocumentNode): number | undefined {
  if (literalChecks.has(document)) return literalChecks.get(document);
  const line = firstUnstorableLiteral(document);
  literalChecks.set(document, line);
  return line;
}

function firstUnstorableLiteral(document: DocumentNode): number | undefined {
  let line: number | undefined;
  visit(document, {
    StringValue(node) {
      if (line === undefined && !isStorableText(node.value)) line = node.loc?.startToken.line ?? 0;
    },
  });
  return line;
}

function unstorableTextError(where: string): GraphQLError {
  return new GraphQLError(`A text value contains a character that cannot be stored (a NUL character or an unpaired UTF-16 surrogate): ${where}.`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}

/** Refuses a request whose variables or string literals hold unstorable text, before anything runs. */
export function rejectUnstorableText(): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const variable = findUnstorableText(request.variables);
          if (variable) throw unstorableTextError(`variable ${variable}`);
          const line = findUnstorableLiteral(document);
          if (line !== undefined) throw unstorableTextError(`a string on line ${line} of the query`);
        },
      };
    },
  };
}
