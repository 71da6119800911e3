# syntax=docker/dockerfile:1.7
# Parlor: one image that runs alone (SQLite under DATA_DIR) or as one of many replicas
# (DATABASE_URL, REDIS_URL, S3_*). Build: docker build -t parlor .

# --- builder: the same toolchain `make setup` installs, then `dx bundle --web --release` ---
FROM rust:1.95-trixie AS builder

# Keep in step with the Makefile (DX_VERSION) and Cargo.toml (wasm-bindgen = "=…");
# tests/api/deployment.rs checks both.
ARG DX_VERSION=0.7.10
ARG WASM_BINDGEN_VERSION=0.2.130

ENV NO_DOWNLOADS=1 \
    DX_TELEMETRY_ENABLED=false \
    CARGO_TERM_COLOR=never \
    PATH=/tools/node_modules/.bin:/tools/node_modules/@esbuild/linux-x64/bin:/usr/local/cargo/bin:$PATH

# Node.js runs esbuild and wasm-opt from npm: Debian's binaryen is too old for current Rust output.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
RUN npm install --no-save --no-audit --no-fund --prefix /tools @esbuild/linux-x64@0.27.3 binaryen@132

RUN rustup target add wasm32-unknown-unknown
# dx needs --locked; wasm-bindgen-cli fails with --locked at this version (see the Makefile).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo install dioxus-cli --version "$DX_VERSION" --locked \
 && cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"

WORKDIR /src
COPY . .
# The target dir is a cache between builds; the bundle is copied out of it to /out.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    rm -rf target/dx/parlor/release/web/public \
 && dx bundle --web --release \
 && mkdir -p /out \
 && cp -a target/dx/parlor/release/web/server target/dx/parlor/release/web/public /out/

# --- runtime: the server binary with public/ beside it, as a non-root user ---
FROM debian:trixie-slim

# curl is for the health checks (HEALTHCHECK here, compose and the init service).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 parlor \
 && useradd --system --uid 10001 --gid parlor --home-dir /data --shell /usr/sbin/nologin parlor \
 && mkdir -p /data \
 && chown parlor:parlor /data

WORKDIR /app
COPY --from=builder /out/server /app/server
COPY --from=builder /out/public /app/public

# DATA_DIR holds upload temp files and, when running alone, the SQLite file, images and generated
# secrets: mount a volume there for a single instance (docker run -v parlor-data:/data …).
ENV IP=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" >/dev/null || exit 1
ENTRYPOINT ["/app/server"]
