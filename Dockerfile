# One image for every service; docker-compose picks the entry point per container.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json lerna.json tsconfig.json tsconfig.base.json ./
COPY platform/package.json platform/
COPY migrations/package.json migrations/
COPY gateway/package.json gateway/
COPY subgraphs/user/package.json subgraphs/user/
COPY subgraphs/product/package.json subgraphs/product/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/order/package.json subgraphs/order/
COPY subgraphs/payment/package.json subgraphs/payment/
COPY subgraphs/delivery/package.json subgraphs/delivery/
RUN npm ci --no-audit --no-fund
COPY platform platform
COPY migrations migrations
COPY gateway gateway
COPY subgraphs subgraphs
COPY schema schema
RUN npx tsc -b && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
CMD ["node", "gateway/dist/main.js"]
