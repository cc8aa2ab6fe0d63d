# One recipe for all services: --build-arg SERVICE=socket-gateway|publish-api|worker.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1

# Manifests first, so the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/socket-gateway/package.json services/socket-gateway/
COPY services/publish-api/package.json services/publish-api/
COPY services/worker/package.json services/worker/
# --ignore-scripts: the root `prepare` would build before the sources below exist.
RUN npm ci --ignore-scripts

COPY tsconfig.json tsconfig.base.json turbo.json ./
COPY shared/ shared/
COPY services/ services/
RUN npm run build

FROM node:20-bookworm-slim AS runtime
# tini as PID 1: PID 1 has no default signal actions, so an early SIGTERM would be ignored.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/socket-gateway/package.json services/socket-gateway/
COPY services/publish-api/package.json services/publish-api/
COPY services/worker/package.json services/worker/
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# Every dist is copied: one image layer set for the three services, which all import shared.
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/services/socket-gateway/dist services/socket-gateway/dist
COPY --from=build /app/services/publish-api/dist services/publish-api/dist
COPY --from=build /app/services/worker/dist services/worker/dist

# Declared after the shared layers so the three builds differ only from here on.
ARG SERVICE=socket-gateway
RUN test -f "services/${SERVICE}/dist/main.js" || { echo "unknown SERVICE: ${SERVICE}" >&2; exit 1; }
# The service's own V8 flags (publish-api's larger young generation), which the CMD adds.
COPY services/${SERVICE}/node-options services/${SERVICE}/

# Heap: the guide's 4096 MB is all of a t3.medium's 4 GiB, leaving nothing for off-heap socket
# buffers and the OS (OOM kill before V8 collects). 3072 MB (~75%) leaves ~1 GiB for them.
ENV SERVICE=${SERVICE} \
    NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=3072

USER node

# No curl in slim images: node's fetch probes PORT, else the service's default port.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const d={'socket-gateway':4000,'publish-api':3000,worker:3001}[process.env.SERVICE];fetch('http://127.0.0.1:'+(process.env.PORT||d)+'/health',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Node itself handles SIGTERM (drain, then exit 0); `exec` makes node replace the shell. The
# service's node-options lines, less comments, are its flags (unquoted: one word each).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node $(grep -v '^#' \"services/${SERVICE}/node-options\") \"services/${SERVICE}/dist/main.js\""]
