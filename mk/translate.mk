# Translation (docs/translation.md): the IR unit test, the Lua runtime library
# embedded into the Lua adapter, the Python front end subpackage.

IR_TESTS := $(BUILD)/tests/unit/test_ir
UNIT_TESTS += $(IR_TESTS)
# (tests-build's prerequisites were expanded when mk/tests.mk was read)
tests-build: $(IR_TESTS)

$(BUILD)/tests/unit/test_ir: tests/unit/test_ir.c tests/unit/check.h $(BRIDGE_OBJ) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Itests/unit $(SANLD) -o $@ tests/unit/test_ir.c $(BRIDGE_OBJ) -lpthread

# The runtime library pyrt (adapters/lua/pyrt/: core.lua, the topic files in
# name order, end.lua), embedded into the Lua adapter as one C string.
PYRT_SRC := adapters/lua/pyrt/core.lua \
    $(sort $(filter-out %/core.lua %/end.lua,$(wildcard adapters/lua/pyrt/*.lua))) \
    adapters/lua/pyrt/end.lua
PYRT_H := $(BUILD)/gen/pyrt_lua.h
$(PYRT_H): $(PYRT_SRC) tools/embed_text.py mk/translate.mk
	@mkdir -p $(@D)
	$(PYTHON) tools/embed_text.py --section=.lrodata tdmL_pyrt_src $@ $(PYRT_SRC)
$(OBJ)/adapters/lua/lxlate.o: $(PYRT_H)
$(OBJ)/adapters/lua/lxlate.o: LUAA_FLAGS += -I$(BUILD)/gen
