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
SOURCES := $(shell find src assets public migration/src -type f) index.html Cargo.toml Cargo.lock Dioxus.toml migration/Cargo.toml

IP ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= $(CURDIR)/data
PG_URL ?= postgres://postgres@127.0.0.1:5432
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup setup-e2e setup-s3 setup-fuzz build unit api api-sqlite api-postgres api-s3 e2e lint clean-data deploy-check bench-smoke lighthouse fuzz fuzz-build fuzz-long setup-schemathesis api-fuzz

## run: build what is missing, then serve on SQLite under ./data (honours IP, PORT, DATA_DIR, DATABASE_URL, REDIS_URL)
run: build
	mkdir -p "$(DATA_DIR)"
	IP="$(IP)" PORT="$(PORT)" DATA_DIR="$(abspath $(DATA_DIR))" "$(SERVER)"

## test: lint, unit, API on SQLite and PostgreSQL, then Playwright against the release build
test: setup setup-s3 lint deploy-check unit api api-fuzz bench-smoke fuzz e2e
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
	@[ e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ] || (cd e2e && npm ci --no-audit --no-fund)

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
	cargo fmt --all --check
	cargo clippy --features server --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features web -- -D warnings
	cargo clippy -p chat-bench --all-targets -- -D warnings

# Each test layer must run at least one test: a layer that silently runs nothing fails.
define require_tests
	@grep -qE "test result: ok\. [1-9][0-9]* passed" $(1) || { echo "no tests ran in $(1)"; exit 1; }
endef

unit:
	cargo test --features server --lib --bins --test architecture 2>&1 | tee "$(CARGO_TARGET_DIR)/unit.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/unit.log")

api: api-sqlite api-postgres api-s3

api-sqlite:
	PARLOR_TEST_DB=sqlite cargo test --features server --test api --test media_limits 2>&1 | tee "$(CARGO_TARGET_DIR)/api-sqlite.log"
	$(call require_tests,"$(CARGO_TARGET_DIR)/api-sqlite.log")

# The resilience tests include the crash test (SQLite and PostgreSQL) and the outage tests; the
# storage outage runs its own moto, which setup-s3 installs.
api-postgres: setup-s3
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

## lighthouse: Lighthouse scores for the chat page of a signed-in user (recorded in BENCHMARKS.md)
lighthouse: build setup-e2e
	@data=$$(mktemp -d); \
	IP=127.0.0.1 PORT=18095 DATA_DIR=$$data LIMIT_ANON_PER_MINUTE=0 LIMIT_API_PER_MINUTE=0 LIMIT_MESSAGES_PER_SECOND=0 RUST_LOG=warn "$(SERVER)" & pid=$$!; \
	trap 'kill $$pid; rm -rf $$data' EXIT; \
	for i in $$(seq 50); do curl -sf http://127.0.0.1:18095/health >/dev/null && break; sleep 0.2; done; \
	cd e2e && PARLOR_URL=http://127.0.0.1:18095 CHROME_PATH=/usr/bin/chromium node lighthouse.mjs

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

## api-fuzz: schemathesis against /api/openapi.json of a fresh debug server on SQLite, signed in,
## API_FUZZ_EXAMPLES (25) cases per operation; fails on any 5xx or answer that breaks the document
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS := $(TOOLS)/schemathesis/bin/schemathesis
API_FUZZ_EXAMPLES ?= 25

setup-schemathesis:
	@"$(SCHEMATHESIS)" --version 2>/dev/null | grep -q " $(SCHEMATHESIS_VERSION)$$" \
		|| { python3 -m venv "$(TOOLS)/schemathesis" && "$(TOOLS)/schemathesis/bin/pip" install --quiet "schemathesis==$(SCHEMATHESIS_VERSION)"; }

api-fuzz: setup-schemathesis
	cargo build --features server --bin parlor
	API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) tests/schemathesis/run.sh "$(CARGO_TARGET_DIR)/debug/parlor" "$(SCHEMATHESIS)"

## fuzz: each fuzz target for FUZZ_SECONDS (25 s); fails on a panic, an allocation over the
## limits or a broken property, and prints the executions. fuzz-long: 10 minutes each by default.
# Without a sanitizer (-s none) cargo-fuzz needs no -Z flag and stable Rust builds it; the
# upload target enforces the memory limits itself. FUZZ_SANITIZER=address adds -Zsanitizer,
# which RUSTC_BOOTSTRAP=1 lets the stable compiler take, in a target dir of its own.
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_TARGETS := formatting upload_sniff live_frame
FUZZ_SECONDS ?= 25
FUZZ_SANITIZER ?= none
FUZZ_TARGET_DIR := $(CARGO_TARGET_DIR)/fuzz$(if $(filter none,$(FUZZ_SANITIZER)),,-$(FUZZ_SANITIZER))
FUZZ_CARGO := $(if $(filter none,$(FUZZ_SANITIZER)),,RUSTC_BOOTSTRAP=1 )cargo fuzz
FUZZ_BUILD_FLAGS := --fuzz-dir fuzz --sanitizer $(FUZZ_SANITIZER) --target-dir "$(FUZZ_TARGET_DIR)"
# Messages are at most 10,000 characters; frames at most 64 KiB; uploads are cut at 8 KiB to keep
# mutations quick (a few KiB already declare the largest pictures).
FUZZ_OPTIONS_formatting := -max_len=12000 -timeout=10
FUZZ_OPTIONS_upload_sniff := -max_len=8192 -timeout=30 -rss_limit_mb=1024 -malloc_limit_mb=160
FUZZ_OPTIONS_live_frame := -max_len=65536 -timeout=10

setup-fuzz:
	@cargo fuzz --version 2>/dev/null | grep -q "^cargo-fuzz $(CARGO_FUZZ_VERSION)$$" || cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-build: setup-fuzz
	$(FUZZ_CARGO) build $(FUZZ_BUILD_FLAGS)

# New inputs go to fuzz/corpus-generated (ignored by git); fuzz/corpus holds the seeds.
fuzz-run-%: fuzz-build
	@mkdir -p "fuzz/corpus-generated/$*"
	@echo "fuzzing $* for $(FUZZ_SECONDS) s (log: $(FUZZ_TARGET_DIR)/$*.log)"
	@$(FUZZ_CARGO) run $(FUZZ_BUILD_FLAGS) $* "fuzz/corpus-generated/$*" "fuzz/corpus/$*" -- \
		-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(FUZZ_OPTIONS_$*) > "$(FUZZ_TARGET_DIR)/$*.log" 2>&1 \
		|| { tail -n 40 "$(FUZZ_TARGET_DIR)/$*.log"; echo "fuzz target $* failed; the input is in fuzz/artifacts/$*/"; exit 1; }
	@echo "  $*: $$(sed -n 's/^stat::number_of_executed_units: *//p' "$(FUZZ_TARGET_DIR)/$*.log") executions, no crash"

fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=$(if $(filter command line,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)

clean-data:
	rm -rf "$(DATA_DIR)"
