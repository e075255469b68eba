# TCP Lab — build, run, test.
#   make            build build/tcplab (optimised)
#   make run        install what is missing, build, start the server (var/tcplab.db)
#   make test       install what is missing, run every test suite (plain + ASan/UBSan)
#   make bench      engine and HTTP benchmarks (figures and ratios, not pass/fail)
#   make fmt / lint clang-format the C sources / layering + cppcheck + check the format
# Sources are found by folder: every server/**/*.c is part of the program; every
# tests/unit/*.c is part of the unit-test binary. Adding a module needs no Makefile edit.

PKGS    := libmicrohttpd jansson sqlite3 md4c md4c-html yaml-0.1 libsodium zlib libpcap
# LTI 1.3 (server/lti/, server/util/fetch.c): RSA and RS256 from OpenSSL, HTTPS from libcurl.
PKGS    += libcrypto libcurl
CC      ?= cc
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?= -O2 -g
ASAN    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDLIBS  = $(PKG_LIBS) -lpthread -lm

SRCS      := $(shell find server -name '*.c' | sort)
LIB_SRCS  := $(filter-out server/main.c,$(SRCS))
TEST_SRCS := $(shell find tests/unit -name '*.c' | sort)
HDRS      := $(shell find server tests/unit -name '*.h')

OBJ       := build/obj
AOBJ      := build/asan/obj
LIB_OBJS  := $(LIB_SRCS:%.c=$(OBJ)/%.o)
ALIB_OBJS := $(LIB_SRCS:%.c=$(AOBJ)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(OBJ)/%.o)
ATEST_OBJS:= $(TEST_SRCS:%.c=$(AOBJ)/%.o)

.PHONY: all deps deps-test deps-bench run test test-unit test-node check-lessons bench fmt lint clean
all: build/tcplab

deps:
	@tools/deps.sh build
deps-test:
	@tools/deps.sh test
deps-bench:
	@tools/deps.sh bench

$(OBJ)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@
$(AOBJ)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) $(ASAN) $(PKG_CFLAGS) -c $< -o $@

build/tcplab: $(LIB_OBJS) $(OBJ)/server/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/asan/tcplab: $(ALIB_OBJS) $(AOBJ)/server/main.o
	$(CC) $(ASAN) -o $@ $^ $(LDLIBS)
build/unit_tests: $(LIB_OBJS) $(TEST_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/asan/unit_tests: $(ALIB_OBJS) $(ATEST_OBJS)
	$(CC) $(ASAN) -o $@ $^ $(LDLIBS)

# The engine benchmark: its own main; malloc/realloc/calloc wrapped to count allocations.
build/bench_engine: bench/engine_bench.c $(LIB_OBJS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) -o $@ $^ -Wl,--wrap=malloc,--wrap=realloc,--wrap=calloc $(LDLIBS)

# The capture benchmark: writing traces as pcap files (bench/capture_bench.c).
build/bench_capture: bench/capture_bench.c $(LIB_OBJS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDLIBS)

# The HTTP benchmark's control: a bare libmicrohttpd server (bench/mhd_floor.c).
build/bench_mhd_floor: bench/mhd_floor.c
	@mkdir -p build
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LDLIBS)

# The capture-analysis benchmark (tcplab analyze's pipeline, bench/analyze_bench.c).
build/bench_analyze: bench/analyze_bench.c $(LIB_OBJS)
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDLIBS)

run: deps
	@$(MAKE) --no-print-directory -j$$(nproc) build/tcplab
	@mkdir -p var
	./build/tcplab serve --db var/tcplab.db --static static --lessons lessons

# Every suite runs even if an earlier one fails; tests/run.sh prints the closing
# "N passed, N failed" line summed over all of them and exits non-zero on any failure.
test: deps-test
	@$(MAKE) --no-print-directory -j$$(nproc) build/tcplab build/unit_tests build/asan/tcplab build/asan/unit_tests
	@tests/run.sh

bench: deps-bench
	@$(MAKE) --no-print-directory -j$$(nproc) build/tcplab build/bench_mhd_floor
	@bench/run.sh

fmt:
	clang-format -i $(SRCS) $(HDRS) $(TEST_SRCS)

lint:
	tools/layering.sh
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem -I server server
	@echo "clang-format --dry-run --Werror <every C source and header>"
	@clang-format --dry-run --Werror $(SRCS) $(HDRS) $(TEST_SRCS)

clean:
	rm -rf build

# ---- fuzzing (tests/fuzz/, libFuzzer; clang + libclang-rt-14-dev from deps.sh test) ----
#   make fuzz          each harness for FUZZ_SECONDS (default 60) on a scratch copy of its
#                      seed corpus (build/fuzz/work/<target>/), crashes in build/fuzz/artifacts/
#   make fuzz-build    only the binaries build/fuzz/fuzz_<target>
# tests/run.sh's "fuzz" suite (tests/fuzz/run.sh brief) replays the seed corpora and every
# tests/fuzz/regressions/ reproducer, then fuzzes each harness briefly. Every
# tests/fuzz/fuzz_*.c is a harness: adding one needs no Makefile edit.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FOBJ         := build/fuzz/obj
FLIB_OBJS    := $(LIB_SRCS:%.c=$(FOBJ)/%.o)
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
# The request harness answers http_query/http_header/http_cookie from its own fake
# connection: MHD_lookup_connection_value is wrapped at link time.
FUZZ_LINK_fuzz_request := -Wl,--wrap=MHD_lookup_connection_value

.PHONY: fuzz fuzz-build
$(FOBJ)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FLIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< $(FLIB_OBJS) \
	  $(FUZZ_LINK_fuzz_$*) $(LDLIBS)
# the library objects are shared by every harness: keep them between builds
.SECONDARY: $(FLIB_OBJS)
fuzz-build: $(FUZZ_BINS)
fuzz: deps-test
	@$(MAKE) --no-print-directory -j$$(nproc) fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh long
