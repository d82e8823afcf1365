# Bridge unit tests, embedding tests and examples.

BRIDGE_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_bridge*.c))
EMBED_TESTS  := $(patsubst tests/embed/%.c,$(BUILD)/tests/embed/%,$(wildcard tests/embed/*.c))
EXAMPLES     := $(BUILD)/examples/embed
UNIT_TESTS   += $(BRIDGE_TESTS)

$(BUILD)/tests/unit/test_bridge%: tests/unit/test_bridge%.c $(BRIDGE_OBJ) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Itests/unit $(SANLD) -o $@ $^ -lpthread

# Host programs link libtandem like a user would (rpath into the build).
$(BUILD)/tests/embed/%: tests/embed/%.c $(LIBSO)
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) -Itests/unit $(SANLD) -o $@ $< -L$(BUILD)/lib -ltandem \
	    -Wl,-rpath,$(abspath $(BUILD)/lib)
$(BUILD)/examples/%: examples/%.c $(LIBSO)
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(SANLD) -o $@ $< -L$(BUILD)/lib -ltandem -Wl,-rpath,$(abspath $(BUILD)/lib)

# The language registry with both adapters (libtandem.a: its hidden symbols
# link statically), driven by language id only.
REGISTRY_TEST := $(BUILD)/tests/unit/test_registry
UNIT_TESTS    += $(REGISTRY_TEST)
$(REGISTRY_TEST): tests/unit/test_registry.c $(LIBA) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Itests/unit $(SANLD) -o $@ $< $(LIBA) -llua5.4 $(PY_LIBS) \
	    $(FFI_LIBS) -ldl -lpthread -lm

# The Lua adapter's foreign blocks with a fake Python (libtandem.a).
LFOREIGN_TEST := $(BUILD)/tests/unit/test_lua_foreign
UNIT_TESTS    += $(LFOREIGN_TEST)
$(LFOREIGN_TEST): tests/unit/test_lua_foreign.c $(LIBA) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LUAA_FLAGS) -Itests/unit $(SANLD) -o $@ $< $(LIBA) -llua5.4 $(PY_LIBS) \
	    $(FFI_LIBS) -ldl -lpthread -lm

tests-build: $(UNIT_TESTS) $(EMBED_TESTS) $(EXAMPLES)
.PHONY: tests-build

