# syntax=docker/dockerfile:1
# One image for every process: `node dist/main` (web, the default), `node dist/worker`,
# `node dist/cli <command>`, `node dist/simulator/main`. See docs/deploy.md.

# --- build: compile TypeScript, then keep only production dependencies ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npx nest build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: no compilers, no dev dependencies, not root ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The shipped Montevideo catalogue and the dashboard page are read at run time.
COPY assets ./assets
COPY public ./public
# data/ holds the SQLite file when DATABASE_URL is not PostgreSQL; the only place the app writes.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# SIGTERM lets web and worker finish what they are doing (10 s at most) and exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main"]
