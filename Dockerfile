# One image for all nine services, each one plain `node` process running its build;
# docker-compose.yml picks the service with `command`:
#   node --max-semi-space-size=8 subgraphs/<name>/dist/index.js   or   ... gateway/dist/index.js
# Run from the repository root (the build context).
#
# Stages: manifests (package files only, so the npm ci layers are rebuilt only when dependencies
# change) -> build (all dependencies, `npm run build`) and prod-deps (`npm ci --omit=dev`) ->
# runtime: production dependencies and the compiled output, nothing else, as the non-root user.
# Node 24, the active LTS (Node 20, which development here still runs, is past its end of life).
# Node 24 also carries AsyncLocalStorage without promise hooks (AsyncContextFrame), which on
# Node 20 cost a share of every request (docs/benchmarks.md, "Tracing's cost").

FROM node:24-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && \
    find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print0 \
      | tar --null -cf - -T - | tar -xf - -C /manifests

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
# The bundles, and the files the services read at run time from beside them.
RUN npm run build && mkdir /out && \
    tar -cf - packages/*/dist subgraphs/*/dist gateway/dist subgraphs/*/schema.graphql \
      schema/supergraph.graphql scripts/healthcheck.mjs services.json | tar -xf - -C /out

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
# PostgreSQL, Redis and RabbitMQ are separate containers; nothing here needs root or writes here.
USER node
EXPOSE 3000 3001 3002 3003 3004 3005 3006 3007 4000
# /health of whichever service this container runs (scripts/healthcheck.mjs finds its port).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "--max-semi-space-size=8", "gateway/dist/index.js"]
