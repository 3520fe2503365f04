# syntax=docker/dockerfile:1
#
# One image per Tickwire service, built from the Nx output (compiled apps/<app>/dist and libs/*/dist):
#
#   npx nx run @tickwire/edge:docker-build          # = npx nx run @tickwire/edge:build, then:
#   docker build --build-arg APP=edge --tag tickwire/edge:dev .
#
# APP is one of exchange-sim, ingest, normalizer, snapshot, edge. The build context is trimmed by
# .dockerignore to the package manifests, the lockfile and the dist/ folders: TypeScript is compiled on
# the host by Nx (cached), never in the image. Not built in CI (no image registry is reachable there);
# see docs/operations.md#images.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- deps: production dependencies only, from the lockfile ---------------------------------------------
FROM ${NODE_IMAGE} AS deps
ARG APP
WORKDIR /src
COPY . .
RUN test -n "${APP}" || { echo "pass --build-arg APP=<exchange-sim|ingest|normalizer|snapshot|edge>" >&2; exit 1; }; \
    test -f "apps/${APP}/dist/main.js" || { echo "apps/${APP}/dist/main.js missing: run npx nx run @tickwire/${APP}:build first (docker-build does)" >&2; exit 1; }
# --ignore-scripts: nothing runs at install time (bufferutil loads its shipped prebuilt binary).
# The workspace's own libs are linked (node_modules/@tickwire/* -> libs/*), each with its dist/.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "apps/${APP}" \
 && npm cache clean --force

# --- runtime: node, tini, the app --------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
# tini as PID 1: forwards SIGTERM to node (which then drains and exits) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    OPS_HOST=0.0.0.0 \
    OPS_PORT=9100
WORKDIR /app
COPY --from=deps /src/package.json ./package.json
COPY --from=deps /src/node_modules ./node_modules
COPY --from=deps /src/libs ./libs
COPY --from=deps /src/apps/${APP}/package.json ./apps/${APP}/package.json
COPY --from=deps /src/apps/${APP}/dist ./apps/${APP}/dist
WORKDIR /app/apps/${APP}
# The image's unprivileged user (uid 1000); the service writes nothing to disk.
USER node
EXPOSE 9100
# Liveness of the ops server (/healthz). Readiness (/readyz) is for balancers and orchestrators: a
# draining edge or a snapshot service without Redis is alive but not ready, and must not be restarted.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9100)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/main.js"]
