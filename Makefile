# nginx-login-risk
#
#   make            build build/ngx_http_login_risk_module.so against Debian's nginx
#   make deps       install the Debian packages the project needs (no-op when present)
#   make test       unit tests (cmocka, node) + integration tests (real nginx, real
#                   Redis) + browser tests (real Chromium)
#   make test-asan  the integration tests against an AddressSanitizer nginx + module
#   make soak       minutes of mixed logins while Redis fails and nginx reloads
#   make demo       run the demo (Redis + nginx + demo bank app) from build/demo
#   make demo-stop  stop it

SHELL      := /bin/bash
PYTHON     := /usr/bin/python3
BUILD      := $(CURDIR)/build
NGX_SRC    := /usr/share/nginx/src
NGX_BUILD  := $(BUILD)/nginx
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
    chromium xvfb
# Node.js builds and tests the collector: Debian's when the machine has none
NODE_PACKAGES := $(if $(shell command -v node),,nodejs) $(if $(shell command -v npm),,npm)

COLLECTOR  := js-collector/dist/manifest.json
COLLECTOR_SRC := $(wildcard js-collector/src/*.js) js-collector/build.mjs

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps geoip test unit collector-test scenario integration browser bench \
    test-asan test-valgrind soak demo demo-stop clean

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
	$(MAKE) collector-test
	$(MAKE) scenario
	$(MAKE) integration
	$(MAKE) browser

# --- benchmark: the engine alone, one core --------------------------------

BENCH := $(BUILD)/bench_engine

$(BENCH): tests/bench/bench_engine.c $(ENGINE_SRC) $(ENGINE_HDR)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(ENGINE_SRC) $(ENGINE_LIBS)

# then the module in nginx: wrk against a login location with and without
# it, Redis on this machine (tests/bench/wrk-login.sh says what it prints)
BENCH_PACKAGES := wrk

bench: deps $(BENCH)
	taskset -c 0 $(BENCH) $${BENCH_LOGINS:-1000000} $${BENCH_USERS:-20000}
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BENCH_PACKAGES)"
	$(MAKE) $(MODULE) $(GEOIP)
	NGINX_BIN=$${NGINX_BIN:-/usr/sbin/nginx} LR_MODULE=$${LR_MODULE:-$(MODULE)} \
	LR_GEOIP_DIR=$(BUILD)/geoip PYTHON=$(PYTHON) tests/bench/wrk-login.sh

# --- AddressSanitizer: nginx and the module built together with ASan ------

ASAN       := $(BUILD)/asan
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
