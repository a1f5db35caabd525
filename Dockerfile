# syntax=docker/dockerfile:1
# One image for the gateway and every service; compose picks the entry point per container.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN npm install -g pnpm@10.34.9
# The lockfile alone decides what is fetched, so this layer survives source changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch

FROM deps AS install
COPY . .
RUN pnpm install --offline --frozen-lockfile

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=install --chown=node:node /app /app
USER node
EXPOSE 8080
# Sources run through tsx (no separate build step, as in development). Alone, the image runs the
# embedded system; compose runs the gateway and each service with a command of their own.
CMD ["node", "--import", "tsx", "packages/embedded/src/main.ts"]
