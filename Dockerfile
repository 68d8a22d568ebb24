# syntax=docker/dockerfile:1
# Courier: one Dockerfile, two images (issue 12: lean to ship).
#   podman build -t courier .                              the GitHub App (the last stage, the default)
#   podman build -t courier-reporter --target reporter .   the in-cluster reporter
# The build stage bundles both with their dependencies (scripts/build-app.mjs, esbuild): the runtime
# stages hold no node_modules, no TypeScript and no tsx, and the reporter holds one file.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` bundles the CLI, which the images do not ship (and src is not copied yet).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build-app.mjs scripts/bundle-options.mjs ./scripts/
COPY src ./src
# Source maps stay in the build stage (8.6 MB; stack traces name the bundle's lines).
RUN npm run build && rm -f dist/*.map

FROM node:22-bookworm-slim AS reporter
# No git and no extra CA bundle: the reporter clones nothing, and talks to the API server with the
# service account's CA and to Courier with Node's own roots. Flags as in deploy/reporter (measured there).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=1 --jitless"
WORKDIR /app
COPY --from=build /app/dist/reporter.js ./dist/reporter.js
USER node
CMD ["node", "dist/reporter.js"]

FROM node:22-bookworm-slim AS app
# git: the app clones and fetches GitOps repositories. ca-certificates: HTTPS to GitHub and registries.
# apt's package lists, its caches (pkgcache.bin…) and the downloaded .debs go in the same layer: left
# behind they were half of its 215 MB. Perl (47 MB) goes too: Debian's git depends on it only for
# commands Courier never runs (send-email, svn, cvs, instaweb); clone, fetch and the plumbing Courier
# uses are C. Hence --force-depends, for these three packages only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && dpkg --purge --force-depends perl perl-modules-5.36 libperl5.36 liberror-perl git-man \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log \
    /usr/share/doc/git /usr/share/man/* \
 && git --version
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
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
