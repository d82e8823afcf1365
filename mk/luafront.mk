# mk/luafront.mk — the Lua front end of the translator (adapters/lua/front/):
# unit tests, the luac comparison over Lua's test suite, fuzzing, speed.
#
#   make test-lua-front     unit tests + corpus comparison with luac5.4 -p
#   make fuzz-lua-front     libFuzzer on the parser (FUZZ_TIME seconds)
#   make bench-lua-front    10,000 lines of Lua parsed to IR (target < 50 ms)

LUAF_SRC   := $(wildcard adapters/lua/front/*.c)
LUAF_OBJ   := $(call objs,$(LUAF_SRC))
LUAF_TEST  := $(BUILD)/tests/unit/test_lua_front
LUAF_CHECK := $(BUILD)/tests/unit/lfront_check
LUAF_BENCH := $(BUILD)/bench/bench_lua_front
UNIT_TESTS += $(LUAF_TEST) $(LUAF_CHECK)   # lfront_check: run by tools/run_tests.sh via corpus.sh

$(LUAF_TEST): tests/unit/test_lua_front.c tests/unit/check.h $(LUAF_OBJ) $(BRIDGE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Iadapters/lua/front -Itests/unit $(SANLD) -o $@ $< $(LUAF_OBJ) \
	    $(BRIDGE_OBJ) -lpthread -lm
$(LUAF_CHECK): tests/unit/lfront_check.c $(LUAF_OBJ) $(BRIDGE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Iadapters/lua/front $(SANLD) -o $@ $< $(LUAF_OBJ) $(BRIDGE_OBJ) -lpthread -lm
$(LUAF_BENCH): bench/bench_lua_front.c $(LUAF_OBJ)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Iadapters/lua/front -o $@ $< $(LUAF_OBJ) -lm

.PHONY: test-lua-front fuzz-lua-front bench-lua-front
test-lua-front: $(LUAF_TEST) $(LUAF_CHECK)
	$(LUAF_TEST) && sh tests/lua_front/corpus.sh $(LUAF_CHECK)

bench-lua-front: $(LUAF_BENCH)
	$(LUAF_BENCH)

FUZZ_LUAF := $(BUILD)/fuzz/fuzz_lua_front
$(FUZZ_LUAF): tests/fuzz/fuzz_lua_front.c $(LUAF_SRC) $(wildcard adapters/lua/front/*.h)
	@mkdir -p $(@D)/corpus_lua_front
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iadapters/lua/front -o $@ tests/fuzz/fuzz_lua_front.c $(LUAF_SRC) -lm

fuzz-lua-front: $(FUZZ_LUAF)
	$(FUZZ_LUAF) -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 $(BUILD)/fuzz/corpus_lua_front tests/fuzz/corpus_lua_front

# TDM_OP_SOURCEIR in the Lua adapter (libtandem.a: both adapters linked).
SOURCEIR_TEST := $(BUILD)/tests/unit/test_lua_sourceir
UNIT_TESTS    += $(SOURCEIR_TEST)
$(SOURCEIR_TEST): tests/unit/test_lua_sourceir.c $(LIBA) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Itests/unit $(SANLD) -o $@ $< $(LIBA) -llua5.4 $(PY_LIBS) \
	    $(FFI_LIBS) -ldl -lpthread -lm
