# One image for all nine processes; docker-compose.yml picks the process with `command`:
#   node_modules/.bin/tsx subgraphs/<name>/src/index.ts   or   node_modules/.bin/tsx gateway/src/index.ts
# Run from the repository root (the build context).

# Stage 1: only the package manifests, with their paths, so the npm ci layer below is rebuilt only
# when dependencies change, and new workspaces need no edit here.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && \
    find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print0 \
      | tar --null -cf - -T - | tar -xf - -C /manifests

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=manifests /manifests/ ./
# Dev dependencies included: the services run TypeScript with tsx.
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .
ENV NODE_ENV=production
# PostgreSQL, Redis and RabbitMQ are separate containers; nothing here needs root.
USER node
EXPOSE 3000 3001 3002 3003 3004 3005 3006 3007 4000
CMD ["node_modules/.bin/tsx", "gateway/src/index.ts"]
