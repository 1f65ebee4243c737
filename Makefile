# Targets mirror Dokku's service plugins: setup, build, lint, unit-tests, bats, test; plus demo and bench.
BATS := node_modules/bats/bin/bats
BUILT := commands subcommands triggers $(shell find . -maxdepth 1 -type l -printf '%f\n')

.PHONY: setup build build-check lint unit-tests bats test demo bench docker

setup: node_modules

# npm install, not npm ci: the registry here lacks jest's optional resolver binaries for other platforms, which npm
# leaves out of the lock file and npm ci then refuses; the lock file still pins every version that is installed.
node_modules: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch node_modules

build: node_modules
	node build.mjs

# CI fails when the committed build differs from a fresh one (plugin:install has no build step).
build-check: build
	@git status --porcelain -- $(BUILT) | grep . && { echo ' !     The committed build is stale: run make build and commit it' >&2; exit 1; } || true

# tsc against the Node.js floor's APIs, and shellcheck (Debian's package) on the sh sources, as Dokku's own plugins are
# linted; the test scripts at warning level.
SH_SOURCES := src/sh/commands.sh src/sh/hook.sh
TEST_SCRIPTS := .ci/run tests/run tests/demo tests/docker/engine tests/lib/node-binary tests/lib/with-node $(wildcard tests/lib/*.bash) bench/life.bash bench/outage.bash
lint: node_modules
	npx tsc --noEmit -p tsconfig.json
	shellcheck --shell=sh $(SH_SOURCES)
	shellcheck --severity=warning $(TEST_SCRIPTS)

unit-tests: node_modules
	npx jest

# The bats suites on the oldest Node.js a Dokku-supported distribution ships (tests/node-versions), as tests/run does.
bats: build
	tests/lib/with-node $(shell grep -vE '^(#|$$)' tests/node-versions | head -n 1) $(BATS) tests

docker:
	tests/docker/engine up

# Every layer, with the one total line CI reads.
test: node_modules
	tests/run

demo: node_modules
	tests/demo

bench: build
	node bench/run.mjs
