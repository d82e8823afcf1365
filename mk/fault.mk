# mk/fault.mk — fault injection (docs/reliability.md).
#
#   make fault-test         every allocation tandem makes, failed in turn over
#                           the crossing workloads of tests/fault/sweep.py
#   make fault-test FAULT_ARGS=--quick    about 150 points per workload
#   make SAN=1 fault-test   the same under ASan+UBSan (build-san)
#
# The fault build is the Python extension linked from the same objects with
# tests/fault/fault.c and -Wl,--wrap for each allocation function tandem's
# code calls: the linker routes tandem's calls (and only those) through the
# counting wrappers. It goes to $(BUILD)/fault/python/tandem; the C host's
# libtandem and sweep driver to $(BUILD)/fault/lib and $(BUILD)/fault, the
# lua5.4 host's module to $(BUILD)/fault/lua. Three sweeps: Python
# (tests/fault/sweep.py), C (tests/fault/sweep_embed.c), Lua
# (tests/fault/sweep.lua).

FAULT_DIR  := $(BUILD)/fault
FAULT_PKG  := $(FAULT_DIR)/python/tandem
FAULT_MOD  := $(FAULT_PKG)/_tandem$(PY_EXT)
FAULT_OBJ  := $(FAULT_DIR)/fault.o
FAULT_ARGS ?=
FAULT_FUNS := malloc calloc realloc free strdup strndup ffi_closure_alloc \
    PyTuple_New PyList_New PyDict_New PyBytes_FromStringAndSize PyBytes_FromString \
    PyUnicode_FromString PyUnicode_DecodeUTF8 PyUnicode_FromKindAndData PyFloat_FromDouble \
    PyLong_FromLong PyLong_FromLongLong PyLong_FromUnsignedLongLong PyLong_FromSsize_t \
    PyObject_Str PyObject_Repr PySequence_Tuple PyList_AsTuple PyDict_Copy PyDict_Items \
    PyObject_GetIter _PyObject_New _PyObject_GC_New PyUnicode_AsUTF8AndSize PyDict_SetItem \
    PyDict_SetItemString PyList_Append PyObject_SetItem PySet_Add PyMem_Malloc PyMem_RawCalloc
FAULT_WRAP := $(foreach f,$(FAULT_FUNS),-Wl,--wrap=$(f))

.PHONY: fault-test fault-build
fault-build: $(FAULT_MOD)

$(FAULT_OBJ): tests/fault/fault.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(PY_CFLAGS) $(FFI_CFLAGS) -c $< -o $@

$(FAULT_MOD): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(FAULT_OBJ) $(PYMOD) $(PYFILES)
	@rm -rf $(FAULT_PKG) && mkdir -p $(FAULT_DIR)/python && cp -r $(PYPKG) $(FAULT_DIR)/python/
	$(CC) -shared $(SANLD) -o $@ $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(FAULT_OBJ) \
	    -llua5.4 $(FFI_LIBS) -ldl -lpthread -lm $(FAULT_WRAP)

# The C host: libtandem linked the same way, and a driver using the embed API.
FAULT_LIBSO := $(FAULT_DIR)/lib/libtandem.so
FAULT_EMBED := $(FAULT_DIR)/sweep_embed
$(FAULT_LIBSO): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(EMBED_OBJ) $(FAULT_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) -o $@ $^ -llua5.4 $(PY_LIBS) $(FFI_LIBS) -ldl -lpthread -lm \
	    -Wl,-soname,libtandem.so $(FAULT_WRAP)
$(FAULT_EMBED): tests/fault/sweep_embed.c $(FAULT_LIBSO)
	$(CC) $(BASEFLAGS) $(SANLD) -o $@ $< -L$(FAULT_DIR)/lib -ltandem \
	    -Wl,-rpath,$(abspath $(FAULT_DIR)/lib)

# The lua5.4 host: the Lua module linked the same way, plus the controls
# sweep.lua loads from it (tests/fault/fault_lua.c).
FAULT_LUAMOD := $(FAULT_DIR)/lua/tandem.so
FAULT_LUA_OBJ := $(FAULT_DIR)/fault_lua.o
$(FAULT_LUA_OBJ): tests/fault/fault_lua.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(LUA_CFLAGS) -c $< -o $@
$(FAULT_LUAMOD): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(FAULT_OBJ) $(FAULT_LUA_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) -o $@ $^ $(PY_LIBS) $(FFI_LIBS) -ldl -lpthread -lm $(FAULT_WRAP)

fault-build: $(FAULT_LIBSO) $(FAULT_EMBED) $(FAULT_LUAMOD)

fault-test: $(FAULT_MOD) $(FAULT_EMBED) $(FAULT_LUAMOD)
	@sh tools/fault_test.sh $(BUILD) $(PYTHON) $(LUA) $(FAULT_ARGS)
