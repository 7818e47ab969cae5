# syntax=docker/dockerfile:1
# tinbao: build in the Rust image, run as an unprivileged user in a slim Debian.

FROM rust:1-bookworm AS build
WORKDIR /src
# libpq for the PostgreSQL backend; SQLite is bundled into the binary.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock build.rs ./
COPY .cargo ./.cargo
COPY src ./src
COPY migrations ./migrations
COPY data ./data
COPY openapi.yaml ./
RUN cargo build --release --locked \
    && install -m 0755 target/release/tinbao /usr/local/bin/tinbao

FROM debian:bookworm-slim AS runtime
# Only the PostgreSQL client library and CA certificates; no shell tools are needed
# for the health check, which the binary performs itself.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 tinbao \
    && useradd --system --uid 10001 --gid tinbao --home-dir /data --shell /usr/sbin/nologin tinbao \
    && mkdir -p /data \
    && chown tinbao:tinbao /data
COPY --from=build /usr/local/bin/tinbao /usr/local/bin/tinbao

ENV TINBAO_LISTEN=0.0.0.0:8080 \
    TINBAO_DATA_DIR=/data \
    TINBAO_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
WORKDIR /data
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["tinbao", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["tinbao"]
CMD ["serve"]
