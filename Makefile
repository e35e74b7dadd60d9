# nginx-login-risk
#
#   make            build build/ngx_http_login_risk_module.so against Debian's nginx
#   make deps       install the Debian packages the project needs (no-op when present)
#   make test       unit tests (cmocka, node), the fuzz corpora replayed,
#                   integration tests (real nginx, real Redis), browser tests
#                   (real Chromium)
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS (default 60) s
#   make test-asan  the integration tests against an AddressSanitizer nginx + module
#   make soak       minutes of mixed logins while Redis fails and nginx reloads
#   make demo       run the demo (Redis + nginx + demo bank app) from build/demo
#   make demo-stop  stop it

SHELL      := /bin/bash
PYTHON     := /usr/bin/python3
BUILD      := $(CURDIR)/build
NGX_SRC    := /usr/share/nginx/src
NGX_BUILD  := $(BUILD)/nginx
# nginx and the module with AddressSanitizer; the nginx source it is built
# from (make test-asan, make bench)
ASAN       := $(BUILD)/asan
MODULE_SO  := ngx_http_login_risk_module.so
MODULE     := $(BUILD)/$(MODULE_SO)
GEOIP      := $(BUILD)/geoip/test-city.mmdb $(BUILD)/geoip/test-asn.mmdb

# nginx's own callbacks leave parameters unused, as nginx builds itself
WARN       := -Wall -Wextra -Werror -Wno-unused-parameter
ENGINE_SRC := $(wildcard src/*.c)
ENGINE_HDR := $(wildcard src/*.h)
GLUE       := $(wildcard ngx_module/*.c ngx_module/*.h)
ENGINE_LIBS := -lhiredis -lmaxminddb -ljansson -lcrypto -lm
REPLAY     := $(BUILD)/login-risk-replay
TOOL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -O2 -Isrc

APT_PACKAGES := gcc make perl nginx nginx-dev libhiredis-dev libmaxminddb-dev \
    libssl-dev libjansson-dev redis-server libcmocka-dev python3 python3-pytest \
    python3-redis python3-h2 libmaxmind-db-writer-perl libpcre2-dev zlib1g-dev curl openssl \
    chromium xvfb clang libfuzzer-14-dev
# Node.js builds and tests the collector: Debian's when the machine has none
NODE_PACKAGES := $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)

COLLECTOR  := js-collector/dist/manifest.json
COLLECTOR_SRC := $(wildcard js-collector/src/*.js) js-collector/build.mjs

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps geoip test unit fuzz fuzz-replay collector-test scenario \
    integration browser bench test-asan test-valgrind soak demo demo-stop clean

all: $(MODULE) $(REPLAY) $(COLLECTOR)

# the collector: npm installs the pinned build tools, esbuild bundles it
js-collector/node_modules/.package-lock.json: js-collector/package-lock.json
	cd js-collector && npm ci --no-audit --no-fund

$(COLLECTOR): js-collector/node_modules/.package-lock.json $(COLLECTOR_SRC)
	cd js-collector && npm run build

$(REPLAY): src/tools/login_risk_replay.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(ENGINE_SRC) $(ENGINE_LIBS)

geoip: $(GEOIP)

deps:
	@missing=""; \
	for p in $(APT_PACKAGES) $(NODE_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "deps: installing$$missing"; \
	    $(SUDO) apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

# nginx's configure runs once; the module is rebuilt when a source changes
$(NGX_BUILD)/objs/Makefile: config
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && ./configure --with-compat \
	    --add-dynamic-module=$(CURDIR) --with-cc-opt="$(WARN) -g -O2"

$(MODULE): $(NGX_BUILD)/objs/Makefile $(ENGINE_SRC) $(ENGINE_HDR) $(GLUE)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules
	@# a new file, renamed over the old: a running nginx keeps the one it
	@# mapped (cp over it would change the code under its workers)
	cp $(NGX_BUILD)/objs/$(MODULE_SO) $@.new
	mv -f $@.new $@

$(GEOIP): tests/data/geoip-source.json tests/data/make-mmdb.pl
	perl tests/data/make-mmdb.pl tests/data/geoip-source.json $(BUILD)/geoip

# --- unit tests: the engine alone, under ASan and UBSan -------------------

UNIT_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -O1 \
    -fsanitize=address,undefined -fno-sanitize-recover=all -Isrc
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/unit/%: tests/unit/%.c $(ENGINE_SRC) $(ENGINE_HDR) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(ENGINE_SRC) -lcmocka $(ENGINE_LIBS)

unit: $(UNIT_TESTS) $(GEOIP)
	@set -e; for t in $(UNIT_TESTS); do \
	    echo "== $$t"; LR_GEOIP_DIR=$(BUILD)/geoip $$t; \
	done

# --- fuzzing: a libFuzzer harness per parser of outside input -------------
#
# tests/fuzz/fuzz_NAME.c is a harness, tests/fuzz/corpus/NAME/ its seeds,
# tests/fuzz/crashes/NAME/ the inputs that once crashed it: adding a
# harness is adding those, nothing here. The engine is compiled once per
# build: with libFuzzer's coverage for `make fuzz`, and plainly (gcc, ASan,
# UBSan) for the replay driver that `make test` runs.

FUZZ         := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -O1 \
    $(FUZZ_SAN) -Isrc -Itests/fuzz
FUZZ_OBJ     := $(patsubst src/%.c,$(FUZZ)/obj/%.o,$(ENGINE_SRC))
FUZZ_ROBJ    := $(patsubst src/%.c,$(FUZZ)/replay-obj/%.o,$(ENGINE_SRC))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ)/bin/fuzz_%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(FUZZ)/bin/replay_%)
# the telemetry's body may be 8192 bytes, and the headers come first
FUZZ_MAX_LEN_telemetry := 12288

# built through pattern rules, kept for the next build
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_ROBJ)

$(FUZZ)/obj/%.o: src/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ)/replay-obj/%.o: src/%.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) \
	    $(ENGINE_LIBS)

$(FUZZ)/bin/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h \
    $(FUZZ_ROBJ)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -o $@ $< tests/fuzz/replay.c $(FUZZ_ROBJ) \
	    $(ENGINE_LIBS)

# every harness for FUZZ_SECONDS, one after the other (make -j2 fuzz: two
# at a time); new corpus entries and crashes stay in build/fuzz/
fuzz: deps
	$(MAKE) $(FUZZ_BINS)
	$(MAKE) $(FUZZ_NAMES:%=fuzz-run-%)

# FUZZ_SECONDS_NAME=600 gives one harness longer
fuzz-run-%: $(FUZZ)/bin/fuzz_%
	@FUZZ_MAX_LEN=$(or $(FUZZ_MAX_LEN_$*),8192) \
	    tests/fuzz/run.sh $* $< $(or $(FUZZ_SECONDS_$*),$(FUZZ_SECONDS)) $(FUZZ)

# the committed corpora and crash inputs, once each: a fixed crash stays
# fixed
fuzz-replay: $(FUZZ_REPLAYS)
	@set -e; for n in $(FUZZ_NAMES); do \
	    $(FUZZ)/bin/replay_$$n tests/fuzz/corpus/$$n \
	        $$(test -d tests/fuzz/crashes/$$n && echo tests/fuzz/crashes/$$n); \
	done

# the collector's own tests (node's test runner) and its size budget
collector-test: $(COLLECTOR)
	cd js-collector && npm test && npm run size

# --- integration tests: real nginx, real redis-server ---------------------

integration: $(MODULE) $(GEOIP)
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# --- browser tests: real Chromium, the collector, real nginx and Redis ----

browser: $(MODULE) $(GEOIP) $(COLLECTOR)
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/browser

scenario: $(REPLAY)
	LR_BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider tests/scenario

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) collector-test
	$(MAKE) scenario
	$(MAKE) integration
	$(MAKE) browser

# --- benchmark: the engine alone, one core --------------------------------

BENCH := $(BUILD)/bench_engine

$(BENCH): tests/bench/bench_engine.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(ENGINE_SRC) $(ENGINE_LIBS)

# the lists' lookups: nginx's radix tree (ngx_radix_tree.c of the nginx
# source, the one test-asan builds from, with the headers configured for
# the module) and the engine's hash set, 100,000 CIDRs and 1,000,000 users
BENCH_LISTS := $(BUILD)/bench_lists
NGX_INCS    := -I$(NGX_BUILD)/src/core -I$(NGX_BUILD)/src/event \
    -I$(NGX_BUILD)/src/os/unix -I$(NGX_BUILD)/objs

$(BENCH_LISTS): tests/bench/bench_lists.c $(ENGINE_SRC) $(ENGINE_HDR) \
    $(NGX_BUILD)/objs/Makefile $(ASAN)/src/configure
	$(CC) -O2 -g -D_DEFAULT_SOURCE $(WARN) $(NGX_INCS) -Isrc -o $@ $< \
	    $(ASAN)/src/src/core/ngx_radix_tree.c $(ENGINE_SRC) $(ENGINE_LIBS)

# then the module in nginx: wrk against a login location with and without
# it, Redis on this machine (tests/bench/wrk-login.sh says what it prints),
# and with and without the lists (tests/bench/wrk-lists.sh)
BENCH_PACKAGES := wrk

bench: deps $(BENCH) $(BENCH_LISTS)
	taskset -c 0 $(BENCH) $${BENCH_LOGINS:-1000000} $${BENCH_USERS:-20000}
	taskset -c 0 $(BENCH_LISTS) $${BENCH_CIDRS:-100000} $${BENCH_LIST_USERS:-1000000}
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BENCH_PACKAGES)"
	$(MAKE) $(MODULE) $(GEOIP)
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip PYTHON=$(PYTHON) tests/bench/wrk-login.sh
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip tests/bench/wrk-lists.sh

# --- AddressSanitizer: nginx and the module built together with ASan ------

ASAN_FLAGS := -fsanitize=address -fno-omit-frame-pointer -g -O1

$(ASAN)/src/configure:
	rm -rf $(ASAN)/src
	tests/tools/nginx-source.sh $(ASAN)/src

$(ASAN)/src/objs/Makefile: $(ASAN)/src/configure config
	cd $(ASAN)/src && ./configure --prefix=$(ASAN) --with-compat \
	    --with-http_realip_module --with-http_v2_module --with-http_ssl_module \
	    --add-dynamic-module=$(CURDIR) \
	    --with-cc-opt="$(WARN) $(ASAN_FLAGS)" --with-ld-opt="-fsanitize=address"

$(ASAN)/nginx: $(ASAN)/src/objs/Makefile $(ENGINE_SRC) $(ENGINE_HDR) $(GLUE)
	$(MAKE) -C $(ASAN)/src -f objs/Makefile build
	cp $(ASAN)/src/objs/nginx $(ASAN)/src/objs/$(MODULE_SO) $(ASAN)/

test-asan: deps
	$(MAKE) $(ASAN)/nginx $(GEOIP)
	NGINX_BIN=$(ASAN)/nginx LR_MODULE=$(ASAN)/$(MODULE_SO) LR_ASAN=1 \
	    $(MAKE) integration

# nginx and the module under valgrind, a small and a ten times larger mix
# of logins: what is lost must not grow with the requests
test-valgrind: deps all
	@command -v valgrind >/dev/null || $(SUDO) apt-get install -y -q valgrind
	/usr/bin/python3 tests/tools/valgrind_leaks.py

# --- soak: mixed logins for minutes (SOAK_DURATION, default 180 s) while ---
# Redis is paused, killed and restarted and nginx reloaded; not in make test

soak: $(MODULE) $(GEOIP)
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip SOAK_OUT=$${SOAK_OUT:-$(BUILD)/soak} \
	    $(PYTHON) tests/soak/soak.py

# --- demo ------------------------------------------------------------------

demo: deps
	$(MAKE) all $(GEOIP)
	tests/demo/demo.sh start

demo-stop:
	tests/demo/demo.sh stop

clean:
	rm -rf $(BUILD)
