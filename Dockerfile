# sd-cache-bot image: `docker build -t sd-cache-bot .` (or `docker compose build`); see README,
# "Running in a container". Swap the base with --build-arg NODE_IMAGE=node:24-bookworm-slim, say;
# any current line works (see package.json engines), 26 is the one tested and recommended.
ARG NODE_IMAGE=node:26-bookworm-slim

# Build stage: compiles sqlite3 (it has no prebuilt binary for every line, so node-gyp builds it:
# python3, make and g++) and the TypeScript, then drops the devDependencies.
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build --silent && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies and dist/ only, as the unprivileged user `node`.
FROM ${NODE_IMAGE}
# VERSION follows package.json; SOURCE is where the code is published (set it when you publish).
ARG VERSION=0.1.0
ARG SOURCE=
LABEL org.opencontainers.image.title="sd-cache-bot" \
      org.opencontainers.image.description="Discord bot that lets a server clear its shared Stable Diffusion API (ModelsLab) cache" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
# HTTP_PORT: the health check needs /livez, which gateway mode serves only when HTTP_PORT is set.
# The SQLite file and the generated key file land in /app/data (DATABASE_URL's default,
# sqlite://data/bot.sqlite, is relative to the working directory).
ENV NODE_ENV=production \
    HTTP_PORT=3000
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# Slim images have no curl: node itself asks /livez (200 while the process runs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/livez',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself, so the bot drains and exits 0 (within 10 s).
CMD ["node", "--max-semi-space-size=2", "dist/src/bin/start.js"]
