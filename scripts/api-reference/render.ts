/**
 * Renders docs/api-reference.md from the supergraph: the public API schema (the supergraph without
 * @inaccessible, as the gateway serves it) gives the operations, types and descriptions; the
 * supergraph's join__ directives say which subgraph resolves each field; the kernel's ERROR_CODES
 * give the error codes. `npm run docs:api` writes it; test/api-reference.test.ts fails when the
 * committed file differs from what this renders.
 */
import { Supergraph } from '@apollo/federation-internals';
import {
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  parse,
  type DirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { ERROR_CODES, type ErrorCode } from '../../packages/kernel/src/errors';
import { DEFAULT_PORTS } from '../../packages/kernel/src/services';

export const REFERENCE_PATH = 'docs/api-reference.md';

export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

interface ErrorDoc {
  meaning: string;
  /** Extensions besides `code` that come with this code. */
  extensions: string;
}

/** What each code of the kernel's ERROR_CODES means to a client (typed: a new code must be added here). */
export const ERROR_DOCS: Record<ErrorCode, ErrorDoc> = {
  UNAUTHENTICATED: {
    meaning:
      'Not signed in where an operation needs it, an invalid or expired access token (HTTP 401 from the gateway), or wrong credentials in `login` (a wrong password and an unknown email give the same answer).',
    extensions: '–',
  },
  FORBIDDEN: {
    meaning: "Signed in, but not allowed: an admin-only operation, or someone else's booking, payment or profile.",
    extensions: '–',
  },
  BAD_USER_INPUT: {
    meaning:
      'The request is wrong: a value breaks a rule (the message says which), a duplicate email, a malformed cursor or id, or a request that does not parse, validate or fit the size limits.',
    extensions:
      '`field`: the input field at fault, when there is one. `reason`: for a malformed request, what graphql-js or Apollo called it (`GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED`, `BAD_REQUEST`, ...).',
  },
  NOT_FOUND: {
    meaning: 'The id names nothing (a booking to cancel, a workspace to update or book, a user whose role to set).',
    extensions: '–',
  },
  BOOKING_CONFLICT: {
    meaning:
      'The workspace already has a booking that is not cancelled and overlaps the requested time (the loser of a race gets this too). Back-to-back bookings do not conflict.',
    extensions: '–',
  },
  RATE_LIMITED: {
    meaning: 'Too many requests from this client (per user, IP or login email, shared by every instance). Retry later.',
    extensions: '`retryAfter`: seconds to wait before retrying.',
  },
  DEPENDENCY_UNAVAILABLE: {
    meaning:
      'A service or database the answer needs is down, timed out or behind an open circuit breaker. Nothing was left half-done; retry shortly (`createBooking` with the same `idempotencyKey`).',
    extensions: '`service`: which one (`payment`, `database`, a subgraph name, ...).',
  },
  INTERNAL_SERVER_ERROR: {
    meaning: 'An unexpected failure. The message holds no detail; the logs have it under the error id.',
    extensions: '`errorId`: the id to find the failure in the logs.',
  },
  COST_ESTIMATED_TOO_EXPENSIVE: {
    meaning:
      "The gateway's estimate of the query's cost is over its budget (`GRAPHQL_MAX_COST`, 1000 by default): HTTP 400, nothing runs. Ask for fewer items or fewer nested lists. (Apollo Router's name for the same refusal.)",
    extensions: '`cost`: the estimate; `limit`: the budget.',
  },
};

/** The public root fields (or their arguments) that have no description, as `Type.field(arg:)` coordinates. */
export function missingDescriptions(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const root of rootTypes(schema)) {
    for (const field of Object.values(root.getFields())) {
      if (!field.description?.trim()) missing.push(`${root.name}.${field.name}`);
      for (const arg of field.args) {
        if (!arg.description?.trim()) missing.push(`${root.name}.${field.name}(${arg.name}:)`);
      }
    }
  }
  return missing;
}

function rootTypes(schema: GraphQLSchema) {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t] : []));
}

/** Which subgraphs resolve each type and field, from the supergraph's join__ directives. */
interface Ownership {
  types: Map<string, string[]>;
  /** `Type.field` → subgraphs; absent when the field has no join__field (every subgraph of its type resolves it). */
  fields: Map<string, string[]>;
}

function ownership(supergraphSdl: string): Ownership {
  const doc = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  const types = new Map<string, string[]>();
  const fields = new Map<string, string[]>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'join__Graph') {
      for (const value of def.values ?? []) {
        const name = stringArg(
          value.directives?.find((d) => d.name.value === 'join__graph'),
          'name',
        );
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  const graphOf = (d: DirectiveNode) => {
    const arg = d.arguments?.find((a) => a.name.value === 'graph');
    return arg?.value.kind === Kind.ENUM ? (graphNames.get(arg.value.value) ?? arg.value.value) : undefined;
  };
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name || !('directives' in def)) continue;
    // A subgraph that only references an entity (resolvable: false) does not resolve it.
    const joins = (def.directives ?? []).filter((d) => d.name.value === 'join__type');
    const referenceOnly = new Set(joins.filter((d) => isFalse(d, 'resolvable')).flatMap((d) => graphOf(d) ?? []));
    const typeGraphs = joins.flatMap((d) => graphOf(d) ?? []).filter((g) => !referenceOnly.has(g));
    if (typeGraphs.length) types.set(def.name.value, unique(typeGraphs));
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of (def as ObjectTypeDefinitionNode).fields ?? []) {
      const fieldJoins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      if (!fieldJoins.length) continue;
      const resolving = fieldJoins
        .filter((d) => !isTrue(d, 'external'))
        .flatMap((d) => graphOf(d) ?? [])
        .filter((g) => !referenceOnly.has(g));
      fields.set(`${def.name.value}.${field.name.value}`, unique(resolving));
    }
  }
  return { types, fields };
}

function stringArg(directive: DirectiveNode | undefined, name: string): string | undefined {
  const arg = directive?.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.STRING ? arg.value.value : undefined;
}

function isFalse(directive: DirectiveNode, name: string): boolean {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.BOOLEAN && !arg.value.value;
}

function isTrue(directive: DirectiveNode, name: string): boolean {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.BOOLEAN && arg.value.value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function fieldOwners(own: Ownership, type: string, field: string): string[] {
  return own.fields.get(`${type}.${field}`) ?? own.types.get(type) ?? [];
}

/** A description in one table cell: one line, pipes escaped. */
function cell(text: string | null | undefined): string {
  const t = (text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
  return t || '–';
}

function paragraph(text: string | null | undefined): string {
  return (text ?? '').trim().replace(/\s*\n\s*/g, ' ');
}

function argList(args: readonly GraphQLArgument[]): string {
  if (!args.length) return '';
  return `(${args.map((a) => `${a.name}: ${String(a.type)}${a.defaultValue !== undefined ? ` = ${JSON.stringify(a.defaultValue)}` : ''}`).join(', ')})`;
}

function signature(field: GraphQLField<unknown, unknown>): string {
  return `${field.name}${argList(field.args)}: ${String(field.type)}`;
}

function anchor(name: string): string {
  return name.toLowerCase();
}

function deprecation(reason: string | null | undefined): string {
  return reason ? ` **Deprecated:** ${paragraph(reason)}` : '';
}

export function renderApiReference(supergraphSdl: string): string {
  const schema = apiSchema(supergraphSdl);
  const own = ownership(supergraphSdl);
  const roots = rootTypes(schema);
  const rootNames = new Set(roots.map((r) => r.name));
  const named = Object.values(schema.getTypeMap())
    .filter((t) => !isIntrospectionType(t) && !rootNames.has(t.name) && !isSpecifiedScalarType(t))
    .sort((a, b) => a.name.localeCompare(b.name));
  const documented = new Set(named.map((t) => t.name));
  const code = (t: string) => '`' + t + '`';
  const typeCell = (t: string) => {
    const named = t.replace(/[[\]!]/g, '');
    return documented.has(named) ? `[${code(t)}](#${anchor(named)})` : code(t);
  };

  const out: string[] = [];
  out.push('# API reference');
  out.push('');
  out.push(
    '<!-- Generated by `npm run docs:api` (scripts/api-reference.ts) from schema/supergraph.graphql. Do not edit: change the descriptions in subgraphs/*/schema.graphql, then run `npm run compose && npm run docs:api`. -->',
  );
  out.push('');
  out.push(
    `The public GraphQL API as clients see it through the gateway (\`POST http://localhost:${DEFAULT_PORTS.gateway}/graphql\`): the supergraph without its \`@inaccessible\` internal fields. Every description below is the schema's own, so introspection and Sandbox show the same text. Send \`Authorization: Bearer <accessToken>\` for anything that needs a signed-in user.`,
  );
  out.push('');
  out.push('- [Operations](#operations)');
  for (const root of roots) out.push(`  - [${root.name}](#${anchor(root.name)})`);
  out.push('- [Types](#types)');
  out.push('- [Error codes](#error-codes)');
  out.push('');
  out.push('## Operations');
  out.push('');
  for (const root of roots) {
    out.push(`### ${root.name}`);
    out.push('');
    out.push('| Operation | Subgraph | Returns |');
    out.push('| --- | --- | --- |');
    for (const field of Object.values(root.getFields())) {
      out.push(
        `| [${code(field.name)}](#${anchor(`${root.name}.${field.name}`).replace('.', '')}) | ${fieldOwners(own, root.name, field.name).join(', ')} | ${typeCell(String(field.type))} |`,
      );
    }
    out.push('');
    for (const field of Object.values(root.getFields())) {
      out.push(`#### ${root.name}.${field.name}`);
      out.push('');
      out.push('```graphql');
      out.push(signature(field));
      out.push('```');
      out.push('');
      out.push(`${paragraph(field.description) || '_No description._'}${deprecation(field.deprecationReason)}`);
      out.push('');
      out.push(`Subgraph: **${fieldOwners(own, root.name, field.name).join(', ')}**. Returns ${typeCell(String(field.type))}.`);
      out.push('');
      if (field.args.length) {
        out.push('| Argument | Type | Description |');
        out.push('| --- | --- | --- |');
        for (const arg of field.args)
          out.push(`| ${code(arg.name)} | ${typeCell(String(arg.type))} | ${cell(arg.description)}${deprecation(arg.deprecationReason)} |`);
        out.push('');
      }
    }
  }

  out.push('## Types');
  out.push('');
  const groups: [string, (t: (typeof named)[number]) => boolean][] = [
    ['Object types', isObjectType],
    ['Input types', isInputObjectType],
    ['Enums', isEnumType],
    ['Scalars', isScalarType],
  ];
  for (const [title, test] of groups) {
    out.push(`### ${title}`);
    out.push('');
    for (const type of named.filter(test)) {
      out.push(`#### ${type.name}`);
      out.push('');
      if (type.description) {
        out.push(paragraph(type.description));
        out.push('');
      }
      const owners = own.types.get(type.name) ?? [];
      if (owners.length) {
        out.push(`Resolved by: ${owners.join(', ')}.`);
        out.push('');
      }
      if (isObjectType(type)) {
        const several = owners.length > 1;
        out.push(several ? '| Field | Type | Subgraph | Description |' : '| Field | Type | Description |');
        out.push(several ? '| --- | --- | --- | --- |' : '| --- | --- | --- |');
        for (const field of Object.values(type.getFields())) {
          // The signature names the arguments; those with a description are explained here.
          const described = field.args.filter((a) => a.description?.trim());
          const args = described.length ? ` Arguments: ${described.map((a) => `${code(a.name)}: ${cell(a.description)}`).join('; ')}.` : '';
          const description = `${cell(field.description)}${args}${deprecation(field.deprecationReason)}`;
          const name = code(field.name + argList(field.args));
          const owner = several ? ` ${fieldOwners(own, type.name, field.name).join(', ')} |` : '';
          out.push(`| ${name} | ${typeCell(String(field.type))} |${owner} ${description} |`);
        }
        out.push('');
      } else if (isInputObjectType(type)) {
        out.push('| Field | Type | Description |');
        out.push('| --- | --- | --- |');
        for (const field of Object.values(type.getFields())) {
          out.push(`| ${code(field.name)} | ${typeCell(String(field.type))} | ${cell(field.description)}${deprecation(field.deprecationReason)} |`);
        }
        out.push('');
      } else if (isEnumType(type)) {
        out.push('| Value | Description |');
        out.push('| --- | --- |');
        for (const value of type.getValues()) out.push(`| ${code(value.name)} | ${cell(value.description)}${deprecation(value.deprecationReason)} |`);
        out.push('');
      }
    }
  }

  out.push('## Error codes');
  out.push('');
  out.push(
    "Every error carries `extensions.code`, one of the codes below, and a message a client can show. No stack trace or SQL ever reaches a client. The codes are `ERROR_CODES` in packages/kernel/src/errors.ts; all but `COST_ESTIMATED_TOO_EXPENSIVE` are the contract's.",
  );
  out.push('');
  out.push('| Code | Meaning | Other extensions |');
  out.push('| --- | --- | --- |');
  for (const c of ERROR_CODES) out.push(`| ${code(c)} | ${ERROR_DOCS[c].meaning} | ${ERROR_DOCS[c].extensions} |`);
  out.push('');
  out.push(
    'A field that failed is null (when its type allows) with the error at its `path`, and the rest of the answer stands: for example a figure of `adminDashboard` whose subgraph is down is null with `DEPENDENCY_UNAVAILABLE`.',
  );
  out.push('');
  return out.join('\n');
}
