# mk/ffi.mk — the ffi/ core's tests, test library and fuzz target.
#
#   make test-unit-ffi        build and run the ffi unit tests
#   make fuzz-ffi             fuzz the declaration parser (FUZZ_TIME seconds)

FFI_TEST_NAMES := parse layout call errors lang
FFI_TESTS      := $(patsubst %,$(BUILD)/tests/unit/test_ffi_%,$(FFI_TEST_NAMES))
FFI_TESTLIB    := $(BUILD)/lib/libtdmtest.so
UNIT_TESTS     += $(FFI_TESTS)

.PHONY: test-unit-ffi fuzz-ffi

# The test library: plain C with default visibility, so its symbols export.
$(FFI_TESTLIB): tests/lib/tdmtest.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPT) -fPIC $(WARN) -Wno-missing-prototypes -shared $(SANLD) -o $@ $< -lpthread

$(BUILD)/tests/unit/test_ffi_%: tests/unit/test_ffi_%.c tests/unit/check.h $(FFI_OBJ) $(FFI_TESTLIB)
	@mkdir -p $(@D)
	$(CC) $(FFI_FLAGS) -Itests/unit -DTDM_TESTLIB='"$(abspath $(FFI_TESTLIB))"' \
	    -o $@ $< $(FFI_OBJ) $(SANLD) $(FFI_LIBS) -ldl -lm

# C data's language table lives in adapters/c/ and registers through the bridge.
$(BUILD)/tests/unit/test_ffi_lang: tests/unit/test_ffi_lang.c tests/unit/check.h $(FFI_OBJ) \
        $(CLANG_OBJ) $(BRIDGE_OBJ) $(FFI_TESTLIB)
	@mkdir -p $(@D)
	$(CC) $(CLANG_FLAGS) -Itests/unit -DTDM_TESTLIB='"$(abspath $(FFI_TESTLIB))"' -o $@ $< \
	    $(CLANG_OBJ) $(FFI_OBJ) $(BRIDGE_OBJ) $(SANLD) $(FFI_LIBS) -ldl -lm -lpthread

test-unit-ffi: $(FFI_TESTS)
	@rc=0; for t in $(FFI_TESTS); do echo "== $$t"; $$t || rc=1; done; exit $$rc

# libFuzzer target: clang with ASan+UBSan, all of ffi/ compiled in.
FUZZ_CC        ?= clang
FUZZ_TIME      ?= 60
FUZZ_CPARSE    := $(BUILD)/fuzz/fuzz_cparse
FUZZ_FLAGS     := $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined \
                  -fno-sanitize-recover=undefined -Iinclude -Ibridge -Iffi $(FFI_CFLAGS)

$(FUZZ_CPARSE): tests/fuzz/fuzz_cparse.c $(FFI_SRC) $(wildcard ffi/*.h)
	@mkdir -p $(@D)/corpus
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_cparse.c $(FFI_SRC) $(FFI_LIBS) -ldl -lm

fuzz-ffi: $(FUZZ_CPARSE)
	$(FUZZ_CPARSE) -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 $(BUILD)/fuzz/corpus tests/fuzz/corpus_cparse
