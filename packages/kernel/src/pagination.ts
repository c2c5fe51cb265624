/**
 * Relay-style connections with keyset pagination over (createdAt, id), newest first. The cursor is
 * opaque to clients; a malformed one is BAD_USER_INPUT rather than an internal error.
 */
import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { BadUserInputError } from './errors';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /**
   * As GraphQL sees it. paginate() puts a function here, which GraphQL's default resolver calls
   * only when the query selects the field: a page read without totalCount costs one SQL query.
   */
  totalCount: number;
}

interface Keyed {
  id: string;
  createdAt: Date;
}

export interface PageBounds {
  /** Items when `first` is absent or null. */
  default: number;
  /** The largest `first` accepted. */
  max: number;
}

/**
 * Every list field's `first` bounds, in one place: the resolvers enforce them and the gateway's
 * cost estimate reads them. Keyed by schema coordinate (`Type.field`); any other field taking a
 * `first` is a page of DEFAULT_PAGE_SIZE, at most MAX_PAGE_SIZE.
 */
const LIST_BOUNDS: Readonly<Record<string, PageBounds>> = {
  'AdminDashboard.recentActivity': { default: 10, max: 50 },
};
const PAGE: PageBounds = { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

export function listBounds(coordinate: string): PageBounds {
  return LIST_BOUNDS[coordinate] ?? PAGE;
}

export function pageSize(first: number | null | undefined, bounds: PageBounds = PAGE): number {
  if (first === null || first === undefined) return bounds.default;
  if (!Number.isInteger(first) || first < 0 || first > bounds.max) {
    throw new BadUserInputError(`first must be between 0 and ${bounds.max}.`, 'first');
  }
  return first;
}

function encodeCursor(node: Keyed): string {
  return Buffer.from(JSON.stringify([node.createdAt.toISOString(), node.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw new BadUserInputError('after is not a valid cursor.', 'after');
  }
}

export async function paginate<T extends Keyed>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<T>> {
  const limit = pageSize(args.first);
  let pageWhere = where;
  if (args.after) {
    const { createdAt, id } = decodeCursor(args.after);
    pageWhere = {
      $and: [where, { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }] }],
    } as FilterQuery<T>;
  }
  const rows = await em.find(entity, pageWhere, { orderBy: { createdAt: 'desc', id: 'desc' } as never, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: (() => em.count(entity, where)) as unknown as number,
  };
}
