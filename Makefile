# Parlor: `make run` serves http://localhost:8080 on SQLite under ./data; `make test` runs what CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

# One target dir outside the clone keeps rebuilds incremental across clones and sessions.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/parlor/target
export NO_DOWNLOADS := 1
export DX_TELEMETRY_ENABLED := false
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(TOOLS)/node_modules/@esbuild/linux-x64/bin:$(HOME)/.cargo/bin:$(PATH)

DX_VERSION := 0.7.10
# wasm-bindgen-cli must match the wasm-bindgen pinned in Cargo.toml exactly.
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
BUNDLE := $(CARGO_TARGET_DIR)/dx/parlor/release/web
SERVER := $(BUNDLE)/server
SOURCES := $(shell find src assets public migration/src -type f) Cargo.toml Cargo.lock Dioxus.toml migration/Cargo.toml

IP ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= $(CURDIR)/data
PG_URL ?= postgres://postgres@127.0.0.1:5432
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup setup-e2e setup-s3 build unit api api-sqlite api-postgres api-s3 e2e lint clean-data deploy-check bench-smoke

## run: build what is missing, then serve on SQLite under ./data (honours IP, PORT, DATA_DIR, DATABASE_URL, REDIS_URL)
run: build
	mkdir -p "$(DATA_DIR)"
	IP="$(IP)" PORT="$(PORT)" DATA_DIR="$(abspath $(DATA_DIR))" "$(SERVER)"

## test: lint, unit, API on SQLite and PostgreSQL, then Playwright against the release build
test: setup setup-s3 lint deploy-check unit api bench-smoke e2e
	@echo "All layers passed."

## setup: install the toolchain, skipping whatever is already present
setup:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@dx --version 2>/dev/null | grep -q "^dioxus $(DX_VERSION)" || cargo install dioxus-cli --version $(DX_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x "$(TOOLS)/node_modules/.bin/wasm-opt" ] && [ -x "$(TOOLS)/node_modules/@esbuild/linux-x64/bin/esbuild" ] \
		|| npm install --no-save --no-audit --no-fund --prefix "$(TOOLS)" @esbuild/linux-x64@0.27.3 binaryen@132

setup-e2e:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }
	@[ -d e2e/node_modules/@playwright/test ] || (cd e2e && npm ci --no-audit --no-fund)

## build: the release server and the web client, rebuilt only when sources changed
# The bundle records a hash of the sources it was built from: unlike file times, that stays
# right when several clones share one target dir.
SOURCE_HASH = $(shell cat $(SOURCES) | sha256sum | cut -c1-32)
STAMP := $(BUNDLE)/.built-from

build: setup
	@if [ -x "$(SERVER)" ] && [ "$$(cat "$(STAMP)" 2>/dev/null)" = "$(SOURCE_HASH)" ]; then \
		echo "bundle is up to date"; \
	else \
		rm -rf "$(BUNDLE)/public" "$(STAMP)"; \
		dx bundle --web --release && echo "$(SOURCE_HASH)" > "$(STAMP)"; \
	fi

lint:
	cargo clippy --features server --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features web -- -D warnings
	cargo clippy -p chat-bench --all-targets -- -D warnings

# Each test layer must run at least one test: a layer that silently runs nothing fails.
define require_tests
	@grep -qE "test result: ok\. [1-9][0-9]* passed" $(1) || { echo "no tests ran in $(1)"; exit 1; }
endef

unit:
	cargo test --features server --lib --bins 2>&1 | tee "$(CARGO_TARGET_DIR)/unit.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/unit.log")

api: api-sqlite api-postgres api-s3

api-sqlite:
	PARLOR_TEST_DB=sqlite cargo test --features server --test api --test media_limits 2>&1 | tee "$(CARGO_TARGET_DIR)/api-sqlite.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/api-sqlite.log")

api-postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
	PARLOR_TEST_DB=postgres PARLOR_TEST_PG_URL="$(PG_URL)" cargo test --features server --test api --test media_limits --test resilience 2>&1 | tee "$(CARGO_TARGET_DIR)/api-postgres.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/api-postgres.log")

# A real S3-compatible server (moto, from PyPI) for the storage tests; the image tests run against it.
MOTO := $(TOOLS)/moto/bin/moto_server
S3_TEST_PORT ?= 19000

setup-s3:
	@[ -x "$(MOTO)" ] || { python3 -m venv "$(TOOLS)/moto" && "$(TOOLS)/moto/bin/pip" install --quiet "moto[server]==5.2.5"; }

api-s3: setup-s3
	@"$(MOTO)" -H 127.0.0.1 -p $(S3_TEST_PORT) > "$(CARGO_TARGET_DIR)/moto.log" 2>&1 & moto=$$!; \
	trap 'kill $$moto 2>/dev/null' EXIT; \
	for _ in $$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$(S3_TEST_PORT)) 2>/dev/null && break; sleep 0.2; done; \
	PARLOR_TEST_STORAGE=s3 PARLOR_TEST_S3_ENDPOINT=http://127.0.0.1:$(S3_TEST_PORT) \
		cargo test --features server --test api --test media_limits media 2>&1 | tee "$(CARGO_TARGET_DIR)/api-s3.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/api-s3.log")

e2e: build setup-e2e
	cd e2e && PARLOR_SERVER="$(SERVER)" npx playwright test

## bench-page: the page scenario of BENCHMARKS.md (cold load to first message painted, first-visit size)
bench-page: build setup-e2e
	cd e2e && PARLOR_SERVER="$(SERVER)" PARLOR_E2E_TESTS=./bench PARLOR_E2E_PORT=18099 npx playwright test

## deploy-check: validate compose.yaml with Docker Compose where it is installed (the api tests check the rest)
# Throwaway values stand in for the secrets that .env would give.
deploy-check:
	@if docker compose version >/dev/null 2>&1; then \
		COOKIE_SECRET=x JWT_SECRET=x POSTGRES_PASSWORD=x S3_ACCESS_KEY_ID=x S3_SECRET_ACCESS_KEY=x \
			docker compose -f compose.yaml config -q && echo "compose.yaml is valid"; \
	else \
		echo "deploy-check skipped: docker compose is not installed"; \
	fi

## bench-smoke: a short chat-bench run against a fresh debug server on SQLite; fails on any lost,
## duplicated or out-of-order delivery, or when nothing was delivered (correctness, not speed)
BENCH_SMOKE_ARGS ?= --users 50 --pairs 20 --groups 1 --group-size 10 --rate 40 --duration 3 --drain 10

bench-smoke:
	cargo build --features server --bin parlor
	cargo build -p chat-bench
	@data=$$(mktemp -d); \
	port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	env -u DATABASE_URL -u REDIS_URL IP=127.0.0.1 PORT=$$port DATA_DIR="$$data" RUST_LOG=warn \
		LIMIT_MESSAGES_PER_SECOND=0 LIMIT_API_PER_MINUTE=0 LIMIT_ANON_PER_MINUTE=0 LIMIT_LOGIN_FAILURES=0 \
		"$(CARGO_TARGET_DIR)/debug/parlor" > "$$data/server.log" 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null; rm -rf "$$data"' EXIT; \
	for _ in $$(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null && break; sleep 0.2; done; \
	"$(CARGO_TARGET_DIR)/debug/chat-bench" --target http://127.0.0.1:$$port --server-pid $$server --check --quiet $(BENCH_SMOKE_ARGS) \
		|| { status=$$?; echo "--- server log (last 30 lines)"; tail -n 30 "$$data/server.log"; exit $$status; }

clean-data:
	rm -rf "$(DATA_DIR)"
