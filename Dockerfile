# syntax=docker/dockerfile:1
# Parley engine image: build with the full toolchain, run as a non-root user
# with only production dependencies and the compiled output.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds its native addon from source.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY engine engine
COPY connectors connectors
COPY schemas schemas
COPY scripts scripts
COPY bin bin
# `npm ci` runs the `prepare` script, which compiles TypeScript into dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PARLEY_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY schemas schemas
COPY flows flows
COPY connectors connectors
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/parley.js", "serve"]
