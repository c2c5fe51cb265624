import { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import { AdminAuditEntry as AdminAuditEntryEntity } from '../entities/admin-audit-entry.entity';
import { DashboardRoot } from '../dashboard';
import { Context } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO-8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z. */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type Activity = {
  __typename?: 'Activity';
  id: Scalars['ID']['output'];
};

/** One admin action, as recorded by the admin subgraph. */
export type AdminAuditEntry = {
  __typename?: 'AdminAuditEntry';
  action: Scalars['String']['output'];
  actorId: Scalars['ID']['output'];
  at: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** What the action was applied to, e.g. Workspace:<id>. */
  target: Scalars['String']['output'];
};

export type AdminAuditEntryConnection = {
  __typename?: 'AdminAuditEntryConnection';
  edges: Array<AdminAuditEntryEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AdminAuditEntryEdge = {
  __typename?: 'AdminAuditEntryEdge';
  cursor: Scalars['String']['output'];
  node: AdminAuditEntry;
};

/**
 * Each figure comes from another subgraph and is fetched only when selected. A figure whose
 * subgraph is unavailable is null with a DEPENDENCY_UNAVAILABLE error, and the rest still answers.
 */
export type AdminDashboard = {
  __typename?: 'AdminDashboard';
  activeBookings?: Maybe<Scalars['Int']['output']>;
  /** Newest first; first defaults to 10, at most 50. */
  recentActivity?: Maybe<Array<Activity>>;
  /** Captured payments since the start of today (UTC), in the platform currency. */
  revenueToday?: Maybe<Money>;
  /** One row per subgraph; never fails (an unreachable subgraph is DOWN). */
  services: Array<ServiceHealth>;
  userCount?: Maybe<Scalars['Int']['output']>;
  workspaceCount?: Maybe<Scalars['Int']['output']>;
};


/**
 * Each figure comes from another subgraph and is fetched only when selected. A figure whose
 * subgraph is unavailable is null with a DEPENDENCY_UNAVAILABLE error, and the rest still answers.
 */
export type AdminDashboardRecentActivityArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type Money = {
  __typename?: 'Money';
  amount: Scalars['Int']['output'];
  currency: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Internal. */
  _recordAudit: AdminAuditEntry;
};


export type Mutation_RecordAuditArgs = {
  input: RecordAuditInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** Admin only. The admin actions recorded by the admin subgraph, newest first. */
  adminAuditLog: AdminAuditEntryConnection;
  /** Admin only. Platform figures gathered from the other subgraphs, and the health of every subgraph. */
  adminDashboard: AdminDashboard;
};


export type QueryAdminAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Internal: an admin action performed in another subgraph. */
export type RecordAuditInput = {
  action: Scalars['String']['input'];
  actorId: Scalars['ID']['input'];
  target: Scalars['String']['input'];
};

export type ServiceHealth = {
  __typename?: 'ServiceHealth';
  latencyMs: Scalars['Int']['output'];
  /** The subgraph's name, e.g. booking. */
  name: Scalars['String']['output'];
  status: ServiceStatus;
};

export type ServiceStatus =
  | 'DOWN'
  | 'UP';

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Activity: ResolverTypeWrapper<Activity>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AdminAuditEntry: ResolverTypeWrapper<AdminAuditEntryEntity>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  AdminAuditEntryConnection: ResolverTypeWrapper<Omit<AdminAuditEntryConnection, 'edges'> & { edges: Array<ResolversTypes['AdminAuditEntryEdge']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AdminAuditEntryEdge: ResolverTypeWrapper<Omit<AdminAuditEntryEdge, 'node'> & { node: ResolversTypes['AdminAuditEntry'] }>;
  AdminDashboard: ResolverTypeWrapper<DashboardRoot>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RecordAuditInput: RecordAuditInput;
  ServiceHealth: ResolverTypeWrapper<ServiceHealth>;
  ServiceStatus: ServiceStatus;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Activity: Activity;
  ID: Scalars['ID']['output'];
  AdminAuditEntry: AdminAuditEntryEntity;
  String: Scalars['String']['output'];
  AdminAuditEntryConnection: Omit<AdminAuditEntryConnection, 'edges'> & { edges: Array<ResolversParentTypes['AdminAuditEntryEdge']> };
  Int: Scalars['Int']['output'];
  AdminAuditEntryEdge: Omit<AdminAuditEntryEdge, 'node'> & { node: ResolversParentTypes['AdminAuditEntry'] };
  AdminDashboard: DashboardRoot;
  DateTime: Scalars['DateTime']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  RecordAuditInput: RecordAuditInput;
  ServiceHealth: ServiceHealth;
}>;

export type ActivityResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Activity'] = ResolversParentTypes['Activity']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type AdminAuditEntryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AdminAuditEntry'] = ResolversParentTypes['AdminAuditEntry']> = ResolversObject<{
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AdminAuditEntryConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AdminAuditEntryConnection'] = ResolversParentTypes['AdminAuditEntryConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AdminAuditEntryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type AdminAuditEntryEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AdminAuditEntryEdge'] = ResolversParentTypes['AdminAuditEntryEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AdminAuditEntry'], ParentType, ContextType>;
}>;

export type AdminDashboardResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AdminDashboard'] = ResolversParentTypes['AdminDashboard']> = ResolversObject<{
  activeBookings?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  recentActivity?: Resolver<Maybe<Array<ResolversTypes['Activity']>>, ParentType, ContextType, Partial<AdminDashboardRecentActivityArgs>>;
  revenueToday?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  services?: Resolver<Array<ResolversTypes['ServiceHealth']>, ParentType, ContextType>;
  userCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  workspaceCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  _recordAudit?: Resolver<ResolversTypes['AdminAuditEntry'], ParentType, ContextType, RequireFields<Mutation_RecordAuditArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  adminAuditLog?: Resolver<ResolversTypes['AdminAuditEntryConnection'], ParentType, ContextType, Partial<QueryAdminAuditLogArgs>>;
  adminDashboard?: Resolver<ResolversTypes['AdminDashboard'], ParentType, ContextType>;
}>;

export type ServiceHealthResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ServiceHealth'] = ResolversParentTypes['ServiceHealth']> = ResolversObject<{
  latencyMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ServiceStatus'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  Activity?: ActivityResolvers<ContextType>;
  AdminAuditEntry?: AdminAuditEntryResolvers<ContextType>;
  AdminAuditEntryConnection?: AdminAuditEntryConnectionResolvers<ContextType>;
  AdminAuditEntryEdge?: AdminAuditEntryEdgeResolvers<ContextType>;
  AdminDashboard?: AdminDashboardResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ServiceHealth?: ServiceHealthResolvers<ContextType>;
}>;

