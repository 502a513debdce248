# The Cloudflare plugin for ispmanager 6.
#   make            build/cloudflare
#   make check      every test (unit, XML, end to end, contract if possible)
#   make install    DESTDIR=... PREFIX=/usr/local/mgr5

PREFIX	?= /usr/local/mgr5
DESTDIR	?=
CC	?= cc
PKGS	 = libcurl libcjson libxml-2.0 libpsl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude \
	   -fstack-protector-strong -D_FORTIFY_SOURCE=2 $(PKG_CFLAGS)
LDFLAGS	+= -Wl,-z,relro,-z,now
LDLIBS	+= $(PKG_LIBS) -lm

ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -O1
LDFLAGS	+= -fsanitize=address,undefined
BUILD	?= build/asan
# Any report fails the run: the unit runner and lib.py see the exit status
# and the report on stderr (lib.py passes these on to the handler).
export ASAN_OPTIONS ?= abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
endif
BUILD	?= build

SRCS	= $(wildcard src/*.c)
OBJS	= $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIBOBJS	= $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNITS	= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all check unit e2e xmlcheck contract install uninstall clean demo \
	check-nocontract fuzz fuzz-build valgrind valgrind-ci \
	langcheck deb packaging-check bench

all: $(BUILD)/cloudflare

$(BUILD)/obj/%.o: src/%.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/cloudflare: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $< $(LIBOBJS) \
	    $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

unit: $(UNITS)
	@sh tests/run-unit.sh $(UNITS)

xmlcheck:
	python3 tests/xmlcheck.py xml/ispmgr_mod_cloudflare.xml \
	    --plugin etc/plugins/ispmgr/cloudflare.xml

e2e: $(BUILD)/cloudflare
	python3 tests/e2e/run.py --binary $(BUILD)/cloudflare

contract: $(BUILD)/cloudflare
	python3 tests/e2e/run.py --binary $(BUILD)/cloudflare --contract

check: all unit xmlcheck langcheck e2e contract

# The same without the contract run (CI's sanitizer pass).
check-nocontract: all unit xmlcheck langcheck e2e

# Both message sets: every T("en", "ru") in src/ and the XML's (runs xmlcheck).
langcheck:
	python3 tests/langcheck.py

# libFuzzer harnesses (tests/fuzz/README.md): clang, ASan and UBSan,
# every source but main.c.  `make fuzz FUZZ_SECONDS=60` runs each one.
FUZZ_CC	?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) \
	   -Wall -Wextra -fno-omit-frame-pointer \
	   -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS = $(patsubst src/%.c,build/fuzz/obj/%.o,$(filter-out src/main.c,$(SRCS)))
FUZZERS	= $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

build/fuzz/obj/%.o: src/%.c $(wildcard include/*.h) | build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# An archive, so a harness that includes a source file (fuzz_mgrctl)
# does not also link that file's object.
build/fuzz/libcf.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $(FUZZ_OBJS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libcf.a src/panel.c \
    $(wildcard include/*.h)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer -o $@ $< \
	    build/fuzz/libcf.a $(PKG_LIBS) -lm

build/fuzz/obj:
	mkdir -p $@

fuzz-build: $(FUZZERS)

fuzz: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# The unit tests and the end-to-end suite under valgrind (slow: see
# tests/valgrind.sh; VALGRIND_ONLY=a,b limits the end-to-end part).
valgrind: all $(UNITS)
	sh tests/valgrind.sh $(BUILD)/cloudflare $(UNITS)

# CI's subset of the end-to-end part (listed in tests/valgrind.sh).
valgrind-ci: all $(UNITS)
	VALGRIND_ONLY=ci sh tests/valgrind.sh $(BUILD)/cloudflare $(UNITS)

# The .deb, built in a scratch copy of the tree, into build/deb/.
deb:
	sh scripts/build-deb.sh $(BUILD)/deb

# The .deb's files and modes, its Depends, the RPM spec (slow: not in check).
packaging-check:
	sh tests/packaging.sh

# The handler beside curl and the official SDK (installed from npm into
# bench/node_modules), at 0 and 50 ms latency; writes docs/performance.md.
# Not part of check: it takes a few minutes.
BENCH_SDK = cloudflare@5.2.0
bench: $(BUILD)/cloudflare
	timeout 300 npm install --prefix bench --save-exact --no-audit --no-fund \
	    --loglevel=error $(BENCH_SDK)
	timeout 600 python3 bench/run.py --binary $(BUILD)/cloudflare \
	    --out docs/performance.md

demo: $(BUILD)/cloudflare
	python3 tests/demo.py --binary $(BUILD)/cloudflare

install: $(BUILD)/cloudflare
	@if [ -z "$(DESTDIR)" ]; then sh scripts/check-conflict.sh $(PREFIX); fi
	install -d -m 0755 $(DESTDIR)$(PREFIX)/addon $(DESTDIR)$(PREFIX)/etc/xml \
	    $(DESTDIR)$(PREFIX)/etc/plugins/ispmgr $(DESTDIR)$(PREFIX)/var
	install -d -m 0700 $(DESTDIR)$(PREFIX)/etc/cloudflare
	install -m 0750 $(BUILD)/cloudflare $(DESTDIR)$(PREFIX)/addon/cloudflare
	install -m 0644 xml/ispmgr_mod_cloudflare.xml \
	    $(DESTDIR)$(PREFIX)/etc/xml/ispmgr_mod_cloudflare.xml
	install -m 0644 etc/plugins/ispmgr/cloudflare.xml \
	    $(DESTDIR)$(PREFIX)/etc/plugins/ispmgr/cloudflare.xml
	test -e $(DESTDIR)$(PREFIX)/var/cloudflare.log || \
	    install -m 0600 /dev/null $(DESTDIR)$(PREFIX)/var/cloudflare.log
	@if [ -z "$(DESTDIR)" ] && [ -x $(PREFIX)/sbin/mgrctl ]; then \
	    rm -rf $(PREFIX)/var/.xmlcache; $(PREFIX)/sbin/mgrctl -m ispmgr exit; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/addon/cloudflare \
	    $(DESTDIR)$(PREFIX)/etc/xml/ispmgr_mod_cloudflare.xml \
	    $(DESTDIR)$(PREFIX)/etc/plugins/ispmgr/cloudflare.xml
	@echo "kept $(DESTDIR)$(PREFIX)/etc/cloudflare (tokens) and the log"
	@if [ -z "$(DESTDIR)" ] && [ -x $(PREFIX)/sbin/mgrctl ]; then \
	    rm -rf $(PREFIX)/var/.xmlcache; $(PREFIX)/sbin/mgrctl -m ispmgr exit; fi

clean:
	rm -rf build
