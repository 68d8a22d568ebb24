# syntax=docker/dockerfile:1
# Courier: one image, two commands — the GitHub App (default) and the in-cluster reporter
# (`node dist/reporter.js`). Multi-stage: TypeScript is compiled in the build stage; the runtime
# stage holds production dependencies and the compiled JavaScript only.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` bundles the CLI, which the image does not ship (and src is not copied yet).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# git: the app clones and fetches GitOps repositories. ca-certificates: HTTPS to GitHub and registries.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY templates ./templates
# The node image ships an unprivileged `node` user (uid 1000); clone caches live in its home.
RUN mkdir -p /home/node/.cache/courier && chown -R node:node /home/node
USER node
ENV HOME=/home/node \
    COURIER_CACHE_DIR=/home/node/.cache/courier
EXPOSE 3000
# No curl in the slim image: node itself asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
