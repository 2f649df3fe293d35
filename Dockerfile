# Builds the textdesk binary and the browser app, then ships both in a slim image.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN rustup target add wasm32-unknown-unknown \
    && scripts/build-frontend.sh \
    && cargo build --release -p textdesk \
    && printf '#!/bin/sh\nexec curl -fsS "http://127.0.0.1:${BIND##*:}/readyz" >/dev/null\n' > /textdesk-healthcheck

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /app textdesk
WORKDIR /app
COPY --from=build /src/target/release/textdesk /usr/local/bin/textdesk
COPY --from=build --chmod=755 /textdesk-healthcheck /usr/local/bin/textdesk-healthcheck
COPY --from=build /src/frontend/dist /app/dist
ENV STATIC_DIR=/app/dist BIND=0.0.0.0:8080
USER textdesk
EXPOSE 8080
ENTRYPOINT ["textdesk"]
CMD ["serve"]
