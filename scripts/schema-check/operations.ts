/**
 * Operations validated against a schema: the clients' (schema/operations/) against the API
 * schema, and the subgraphs' calls to each other (src/operations/<target>.graphql) against the
 * internal schema and against the target subgraph's own schema.
 */
import { GraphQLError, parse, Source, validate, type GraphQLSchema } from 'graphql';

export interface OperationFile {
  /** Repository-relative path, for messages. */
  path: string;
  source: string;
}

export interface InternalOperationFile extends OperationFile {
  /** The package that sends it: a subgraph's name, or `kernel`. */
  sender: string;
  /** The subgraph it is sent to (the file's name). */
  target: string;
}

/** `path:line:column message` for every problem of a file against a schema; none when it is valid. */
export function validateOperations(schema: GraphQLSchema, file: OperationFile): string[] {
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, parse(new Source(file.source, file.path)));
  } catch (err) {
    errors = [err as GraphQLError];
  }
  return errors.map((e) => {
    const at = e.locations?.[0];
    return `${file.path}${at ? `:${at.line}:${at.column}` : ''} ${e.message}`;
  });
}
