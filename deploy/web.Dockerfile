# The TalentLoop web front: the Vue SPA built with Node 20, served by nginx, which proxies
# /graphql and /healthz to the api service. Build context: the repository root, because the
# build generates its GraphQL types from ../schema.graphql:
#   docker compose build web, or docker build -f deploy/web.Dockerfile .

FROM node:20 AS build
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# package-lock.json is written by npm 11 (as on the developers' machines and CI).
RUN npm install -g npm@11
WORKDIR /src/frontend
# Dependencies first, so a source change reuses this layer.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --loglevel=error
COPY schema.graphql /src/schema.graphql
COPY frontend/ ./
# npm run build = codegen + vue-tsc + vite build into dist/.
RUN npm run build

FROM nginx:1.27-alpine
COPY deploy/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
EXPOSE 80
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1/nginx-health || exit 1
