# mk/fuzz.mk — libFuzzer targets over the whole library (docs/reliability.md).
#
#   make fuzz-convert    value conversion round trips C <-> Lua <-> Python
#   make fuzz-sandbox    random Lua from a small grammar in a sandboxed runtime
#   (FUZZ_TIME seconds each; FUZZ_RUNS=N to stop after N inputs instead)
#
# Every library source is compiled with clang, ASan, UBSan and libFuzzer's
# coverage into $(BUILD)/fuzz/obj once; each target links them with the
# interpreters (not instrumented). Corpora: tests/fuzz/corpus_convert,
# tests/fuzz/corpus_sandbox (seeds), new inputs under $(BUILD)/fuzz/.

FUZZ_LIB_SRC := $(BRIDGE_SRC) $(FFI_SRC) $(CLANG_SRC) $(LUAA_SRC) $(PYA_SRC) $(EMBED_SRC) $(REG_SRC)
FUZZ_OBJDIR  := $(BUILD)/fuzz/obj
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_OBJDIR)/%.o,$(FUZZ_LIB_SRC))
FUZZ_LIB_CFLAGS := $(CSTD) -g -O1 -fno-omit-frame-pointer -fvisibility=hidden \
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
    -Iinclude -Ibridge -Iffi -Iadapters/c -Iadapters/lua -Iadapters/lua/ffi \
    -Iadapters/lua/front -Iadapters/python -Iadapters/python/ffi -I$(BUILD)/gen \
    $(LUA_CFLAGS) $(PY_CFLAGS) $(FFI_CFLAGS)
FUZZ_LINK    := -fsanitize=fuzzer,address,undefined -llua5.4 $(PY_LIBS) $(FFI_LIBS) -ldl -lpthread -lm
FUZZ_RUNS    ?=
FUZZ_ENV     := ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                TANDEM_PYTHONPATH=$(abspath $(BUILD))/python
FUZZ_LIMIT    = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_TIME))

# the generated pyrt header by its path: mk/translate.mk, which names it
# PYRT_H, is included after this file, and prerequisites expand when read
$(FUZZ_OBJDIR)/%.o: %.c | $(DEPS_STAMP) $(BUILD)/gen/pyrt_lua.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) -MMD -MP -c $< -o $@

FUZZ_CONVERT := $(BUILD)/fuzz/fuzz_convert
FUZZ_SANDBOX := $(BUILD)/fuzz/fuzz_sandbox

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(@D)/corpus_$*
	$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) -o $@ $< $(FUZZ_LIB_OBJ) $(FUZZ_LINK)

.PHONY: fuzz-convert fuzz-sandbox
fuzz-convert: $(FUZZ_CONVERT) $(PYMOD) $(PYFILES)
	$(FUZZ_ENV) $(FUZZ_CONVERT) $(FUZZ_LIMIT) -max_len=1024 -timeout=20 -rss_limit_mb=4096 \
	    $(BUILD)/fuzz/corpus_convert tests/fuzz/corpus_convert

fuzz-sandbox: $(FUZZ_SANDBOX) $(PYMOD) $(PYFILES)
	$(FUZZ_ENV) $(FUZZ_SANDBOX) $(FUZZ_LIMIT) -max_len=64 -timeout=20 -rss_limit_mb=4096 \
	    $(BUILD)/fuzz/corpus_sandbox tests/fuzz/corpus_sandbox

-include $(shell find $(FUZZ_OBJDIR) -name '*.d' 2>/dev/null)
.SECONDARY: $(FUZZ_LIB_OBJ)
