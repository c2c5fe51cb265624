/**
 * Hive Gateway (@graphql-hive/gateway-runtime) serving the committed supergraph against the
 * benchmark's subgraphs, for comparison with our gateway. Run as its own process:
 *   tsx scripts/bench/hive-gateway.ts <port>
 * with SUPERGRAPH_PATH, JWT_SECRET, SERVICE_JWT_KEYS and <NAME>_SERVICE_URL in the environment.
 * Its one plugin gives every subgraph call the same per-user service token our gateway signs,
 * through Hive's header propagation, so the subgraphs see the same identity from either gateway.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseServiceKeys } from '../../packages/kernel/src/config';
import { bearer, signServiceToken, verifyAccessToken, type UserIdentity } from '../../packages/kernel/src/identity';
import { serviceUrl, type ServiceName } from '../../packages/kernel/src/services';

// Loaded untyped: its type declarations pull the DOM library into the whole program's types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createGatewayRuntime } = require('@graphql-hive/gateway-runtime') as {
  createGatewayRuntime(options: object): http.RequestListener;
};

const port = Number(process.argv[2]);
const env = process.env;
const keys = parseServiceKeys(env.SERVICE_JWT_KEYS!, []);
const jwtSecret = new TextEncoder().encode(env.JWT_SECRET!);

// The committed supergraph names each subgraph's default URL; point each at the benchmark's own.
const supergraph = readFileSync(env.SUPERGRAPH_PATH!, 'utf8').replace(
  /@join__graph\(name: "(\w+)", url: "[^"]+"\)/g,
  (_m, name: ServiceName) => `@join__graph(name: "${name}", url: "${serviceUrl(name, env)}/graphql")`,
);

/** One verification per client request, shared by all its subgraph calls. */
const userOf = new WeakMap<Request, Promise<UserIdentity | undefined>>();
function requestUser(request: Request): Promise<UserIdentity | undefined> {
  let user = userOf.get(request);
  if (!user) {
    const token = bearer(request.headers.get('authorization') ?? undefined);
    user = token ? verifyAccessToken(token, jwtSecret) : Promise.resolve(undefined);
    userOf.set(request, user);
  }
  return user;
}

const gateway = createGatewayRuntime({
  supergraph: () => supergraph,
  logging: process.env.HIVE_LOG === '1' ? 'debug' : false,
  propagateHeaders: {
    async fromClientToSubgraphs({ request }: { request: Request }) {
      const user = await requestUser(request);
      const token = await signServiceToken({ caller: 'gateway', user, clientIp: '127.0.0.1' }, keys);
      return { authorization: `Bearer ${token}` };
    },
  },
});

http.createServer(gateway).listen(port, '127.0.0.1', () => process.stdout.write(`hive gateway on ${port}\n`));
