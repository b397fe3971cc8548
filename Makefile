# c10k-lab: one Makefile for every model, tool and test.
#
#   make              build every model (build/bin/NN_model) and tool
#   make test         what CI runs: `make check`, then `make sanitize`,
#                     `make tsan` (each builds in its own directory) and
#                     `make valgrind` where valgrind is installed
#   make check        build, then run the unit tests and bats suites once
#   make bench        build, then run the benchmark (see bench/README.md)
#   make sanitize     ASan+UBSan build in build/sanitize, then the suites on it
#   make tsan         TSan build of the threaded models, then their tests
#   make valgrind     each model under valgrind for a short scripted session
#   make fuzz         the request parser under libFuzzer (clang), FUZZ_SECONDS
#   make format       apply .clang-format (tests/run checks it with clang-format 14)
#   make clean
#
# A model is any directory NN_name/ with a server.c; every .c file in it is
# linked with common/. Platform choices live here, not in #ifdef ladders.

BUILD   ?= build
CC      ?= cc
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
UNAME   := $(shell uname -s)

ifeq ($(UNAME),Linux)
  FEATURES := -D_GNU_SOURCE
  WAITER   := epoll
  WAKER    := linux
  # No kqueue on Linux: 07_kqueue uses the small kqueue-on-epoll layer in
  # 07_kqueue/linux/ (labelled as such). Not libkqueue: it keeps state per
  # descriptor that only an explicit EV_DELETE clears, where a kernel kqueue
  # forgets a descriptor at close(); see 07_kqueue/README.md.
  KQUEUE_CFLAGS := -I07_kqueue/linux
  KQUEUE_OBJS   := $(BUILD)/obj/07_kqueue/linux/kqueue_epoll.o
  # io_uring through the distribution's liburing (Debian/Ubuntu:
  # apt-get install -y liburing-dev; Fedora: liburing-devel), found by
  # pkg-config; without it 10_io_uring is skipped with a message.
  URING_LIBS := $(shell pkg-config --libs liburing 2>/dev/null)
  ifeq ($(URING_LIBS),)
    SKIP_MODELS += 10_io_uring
    SKIP_WHY    += 10_io_uring needs liburing (apt-get install -y liburing-dev).
  endif
else ifeq ($(UNAME),Darwin)
  FEATURES := -D_DARWIN_C_SOURCE
  WAITER   := kqueue
  SKIP_MODELS := 06_epoll 09_sigio 10_io_uring
  SKIP_WHY    := epoll, F_SETSIG and io_uring are Linux-only.
else ifneq ($(filter FreeBSD OpenBSD NetBSD DragonFly,$(UNAME)),)
  WAITER   := kqueue
  SKIP_MODELS := 06_epoll 09_sigio 10_io_uring
  SKIP_WHY    := epoll, F_SETSIG and io_uring are Linux-only.
else
  SKIP_MODELS := 06_epoll 09_sigio 10_io_uring
  SKIP_WHY    := epoll, F_SETSIG and io_uring are Linux-only.
endif
# bench/http_load, 11_pool and 12_reuseport wait with epoll, kqueue, or
# poll anywhere else (common/waiter/); 11_pool's workers wake its loop through an eventfd
# on Linux, a pipe anywhere else (11_pool/linux, 11_pool/posix).
WAITER ?= poll
WAKER  ?= posix

# glibc's _FORTIFY_SOURCE checks FD_SET against FD_SETSIZE (and memcpy and
# read against the buffer they are given) and aborts instead of corrupting
# memory; it needs optimisation. Undefined first: some compilers predefine it.
HARDEN = $(if $(filter -O1 -O2 -O3 -Os,$(OPT)),-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
ALL_CFLAGS = -std=c11 $(WARN) $(FEATURES) $(HARDEN) $(OPT) -pthread -Icommon $(CFLAGS)
ALL_LDFLAGS = $(OPT) -pthread $(LDFLAGS)

MODELS      := $(filter-out $(SKIP_MODELS),$(patsubst %/server.c,%,$(wildcard [0-9][0-9]_*/server.c)))
MODEL_BINS  := $(MODELS:%=$(BUILD)/bin/%)
COMMON_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard common/*.c))
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))
# The test tools (tests/tools: the client and the fake server) are the
# instrument, not what is tested: the sanitizer runs use the plain build's
# (TOOLS), since an ASan client takes ~70 ms to start against ~5 ms, and the
# suites start thousands of them.
TOOLS       ?= $(BUILD)
TOOL_BINS   := $(patsubst tests/tools/%.c,$(TOOLS)/tests/%,$(wildcard tests/tools/*.c))
ifeq ($(UNAME),Linux)
  # LD_PRELOAD libraries that make a rare moment happen on cue
  # (tests/tools/preload/; used by tests/models.bats): one epoll_ctl()
  # failing, a SIGTERM just before the server blocks.
  TOOL_BINS += $(patsubst tests/tools/preload/%.c,$(TOOLS)/tests/%.so,$(wildcard tests/tools/preload/*.c))
endif

.SECONDARY:
HTTP_LOAD   := $(BUILD)/bin/http_load
QUEUE_BENCH := $(BUILD)/bin/queue
GRADE       := $(BUILD)/bin/grade
FANOUT      := $(BUILD)/bin/fanout

.PHONY: all test check bench grade sanitize tsan valgrind fuzz format clean
all: $(MODEL_BINS) $(HTTP_LOAD) $(QUEUE_BENCH) $(GRADE) $(FANOUT)
ifneq ($(SKIP_MODELS),)
	@echo "note: not built here: $(SKIP_MODELS) ($(strip $(SKIP_WHY)))"
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Every .c in a model's directory (kept out of the pattern: % would be taken
# for the stem there).
model_objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c))
.SECONDEXPANSION:
$(BUILD)/bin/%: $$(call model_objs,$$*) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/10_io_uring: LDLIBS += $(URING_LIBS)
LOOP_WAITER := $(BUILD)/obj/common/waiter/waiter_$(WAITER).o $(BUILD)/obj/common/waiter/loop_waiter.o
$(BUILD)/bin/11_pool: $(LOOP_WAITER) $(BUILD)/obj/11_pool/$(WAKER)/waker.o
$(BUILD)/bin/12_reuseport: $(LOOP_WAITER)
$(BUILD)/obj/07_kqueue/%.o: ALL_CFLAGS += $(KQUEUE_CFLAGS)
$(BUILD)/bin/07_kqueue: $(KQUEUE_OBJS)
# kevent()'s change semantics, checked against the layer on Linux and
# against the kernel's kqueue elsewhere.
$(BUILD)/obj/tests/unit/test_kevent.o: ALL_CFLAGS += $(KQUEUE_CFLAGS)
$(BUILD)/tests/test_kevent: $(KQUEUE_OBJS)

# 11_pool's queue designs alone (bench/queue.sh).
$(QUEUE_BENCH): $(BUILD)/obj/bench/queue.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The load generator, in parts (bench/http_load/http_load.h lists them).
HTTP_LOAD_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard bench/http_load/*.c))
$(BUILD)/obj/bench/http_load/%.o: ALL_CFLAGS += -Ibench/http_load
$(HTTP_LOAD): $(HTTP_LOAD_OBJS) $(BUILD)/obj/common/waiter/waiter_$(WAITER).o \
	      $(BUILD)/obj/common/fdlimit.o $(BUILD)/obj/common/grow.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Article 003's Comet load: subscribers parked, messages published, every
# delivery checked and timed (bench/fanout.c).
$(FANOUT): $(BUILD)/obj/bench/fanout.o $(BUILD)/obj/common/waiter/waiter_$(WAITER).o \
	   $(BUILD)/obj/common/fdlimit.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The grader (grade/grade.h lists its parts; docs/grading.md its contract).
GRADE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard grade/*.c))
$(BUILD)/obj/grade/%.o: ALL_CFLAGS += -Igrade
$(GRADE): $(GRADE_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# http_load's response framing, fed byte by byte (tests/unit/test_framing.c).
$(BUILD)/obj/tests/unit/test_framing.o: ALL_CFLAGS += -Ibench/http_load
$(BUILD)/tests/test_framing: $(BUILD)/obj/bench/http_load/framing.o

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The fuzz target's checks without libFuzzer: tests/run replays the seed
# corpus through it with whatever compiler and sanitizer this build uses.
$(BUILD)/tests/fuzz_replay: $(BUILD)/obj/fuzz/replay.o $(BUILD)/obj/fuzz/fuzz_http.o $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(TOOLS)/tests/client: $(TOOLS)/obj/tests/tools/client.o $(TOOLS)/obj/common/fdlimit.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Servers written wrong on purpose, for tests/grade.bats (libc only).
$(TOOLS)/tests/naive_server: $(TOOLS)/obj/tests/tools/naive_server.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(TOOLS)/tests/naive_comet: $(TOOLS)/obj/tests/tools/naive_comet.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# A misbehaving server for tests/http_load.bats (libc only).
$(TOOLS)/tests/fakeserver: $(TOOLS)/obj/tests/tools/fakeserver.o
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Never sanitized: it is loaded into servers built either way.
$(TOOLS)/tests/%.so: tests/tools/preload/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARN) $(FEATURES) -O2 -fPIC -shared $(CFLAGS) -o $@ $< -ldl

TEST_BINS := $(UNIT_BINS) $(TOOL_BINS) $(BUILD)/tests/fuzz_replay

# SUITES picks bats suites by name (tests/run); empty means all of them.
check: all $(TEST_BINS)
	BUILD=$(BUILD) TOOLS=$(TOOLS) MODELS="$(MODELS)" SUITES="$(SUITES)" THREAD_VARIANTS="$(THREAD_VARIANTS)" \
	SANITIZER="$(SANITIZER)" BEHAVIOUR="$(BEHAVIOUR)" tests/run

# Every suite runs once under ASan+UBSan, which catches everything a plain
# run would and more; the plain -O2 build, the one people run and bench,
# gets the suites that measure CPU and time: the contract's timed tests
# (BEHAVIOUR=timed), models, http_load, bench, and the grader's, whose
# cases ask every model's plain binary for h1spec's requests and the body
# cases, and 06_epoll for all of them. models runs under ASan no more: its
# checks are of time, CPU and processes, and the threaded models' run
# under TSan. The threaded
# models' other queues and listeners (-Q, -A) run under TSan, where what
# they change (who talks to whom across threads) is checked. Running all of
# it in every build would take make test past 20 minutes on a 2-core machine.
# Sequential on purpose: the suites measure timeouts and concurrency, and
# two of them at once on a 2-core machine would only make them flaky.
# On Linux every rung is tested: a machine without liburing would quietly
# test 11 of 12, so make test stops and says what to install. (A kernel
# that refuses io_uring at run time is another matter: the suites skip
# 10_io_uring with the kernel's reason.)
test:
ifeq ($(UNAME),Linux)
ifeq ($(URING_LIBS),)
	@echo "make test: 10_io_uring cannot be built: liburing is missing (Debian/Ubuntu: apt-get install -y pkg-config liburing-dev; Fedora: liburing-devel)" >&2
	@exit 1
endif
endif
	$(MAKE) check SUITES="behaviour models http_load bench docs grade" THREAD_VARIANTS=0 BEHAVIOUR=timed
	$(MAKE) sanitize SUITES="behaviour torture events comet http_load" THREAD_VARIANTS=0
	$(MAKE) tsan SUITES="behaviour torture events comet models"
	@if command -v valgrind >/dev/null 2>&1; then $(MAKE) valgrind; \
	else echo "make test: valgrind is not installed here; skipped make valgrind"; fi

# The default run takes about 12 minutes on a 2-core VM (bench/scenarios says what it
# measures); FULL=1 the long version. Options for
# one point: bench/run --help.
bench: all $(BUILD)/tests/client
	BUILD=$(BUILD) bench/run $(if $(FULL),--full)

# make grade SERVER='CMD {port}' (the grader starts it on a free port) or
# URL=http://127.0.0.1:PORT (one already running); CASES=PREFIX picks some,
# PROFILE=FILE weighs them (grade/profiles/), GRADE_ARGS passes more
# (--strict, --json FILE, --junit FILE, --gradescope FILE, --html FILE).
grade: $(GRADE)
	@[ -n "$(SERVER)$(URL)" ] || { echo "usage: make grade SERVER='CMD with {port}' or URL=http://127.0.0.1:PORT" >&2; exit 2; }
	$(GRADE) $(foreach c,$(CASES),--case $(c)) $(if $(PROFILE),--profile '$(PROFILE)') $(GRADE_ARGS) $(URL) $(if $(SERVER),'$(SERVER)')

# Sanitizers want frame pointers and no inlining surprises; -O1 keeps them
# quick. Any report aborts the process, so a test that saw one fails.
SANITIZE_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize:
	$(MAKE) $(TOOL_BINS)
	$(MAKE) BUILD=build/sanitize TOOLS=$(TOOLS) OPT="$(SANITIZE_OPT)" SANITIZER=address check

# The models with more than one thread: ThreadSanitizer's business.
THREADED_MODELS := $(filter 03_thread 11_pool 12_reuseport,$(MODELS))
tsan:
	$(MAKE) $(TOOL_BINS)
	$(MAKE) BUILD=build/tsan TOOLS=$(TOOLS) OPT="-O1 -g -fsanitize=thread" MODELS="$(THREADED_MODELS)" SANITIZER=thread check

valgrind: all $(BUILD)/tests/client
	BUILD=$(BUILD) MODELS="$(MODELS)" tests/valgrind.sh

# libFuzzer comes with clang (Debian: apt-get install -y clang; the runtime
# is libclang-rt-14-dev). Crashes land in build/fuzz/ as crash-*; copy one
# into fuzz/regressions/ and tests/run replays it forever after.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRCS    := fuzz/fuzz_http.c common/http.c common/respond.c common/stats.c
FUZZ_BUILD   := $(BUILD)/fuzz

$(FUZZ_BUILD)/fuzz_http: $(FUZZ_SRCS) $(wildcard common/*.h)
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || \
		{ echo "make fuzz needs clang with libFuzzer (Debian: apt-get install -y clang)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 $(WARN) $(FEATURES) -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Icommon -o $@ $(FUZZ_SRCS)

fuzz: $(FUZZ_BUILD)/fuzz_http
	fuzz/seeds.sh $(FUZZ_BUILD)/seeds
	@mkdir -p $(FUZZ_BUILD)/corpus fuzz/regressions
	$(FUZZ_BUILD)/fuzz_http -max_total_time=$(FUZZ_SECONDS) -max_len=20000 -timeout=10 \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
		$(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/seeds fuzz/regressions

# Apply .clang-format to every C source (clang-format 14, as tests/run checks).
CLANG_FORMAT ?= $(shell command -v clang-format-14 2>/dev/null || echo clang-format)
format:
	git ls-files '*.c' '*.h' | xargs $(CLANG_FORMAT) -i

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
