# tandem — Lua 5.4 and CPython in one process.
#
#   make            build everything into build/
#   make demo       build and run the interactive demo
#   make test       build and run every test suite (C, embed, pytest, Lua)
#   make san-test   the same tests under ASan+UBSan (build-san/)
#   make lupa-suite lupa's own unit tests against tandem (needs ../shared)
#   make cffi-suite cffi 1.15.1's own ABI-mode tests against tandem.FFI (needs ../shared)
#   make valgrind   memcheck over the C unit and embedding tests
#   make fault-test every allocation tandem makes, failed in turn (mk/fault.mk)
#   make tsan-test  the thread tests under ThreadSanitizer (mk/tsan.mk)
#   make fuzz-convert / fuzz-sandbox   libFuzzer targets (mk/fuzz.mk)
#   make bench      benchmarks against lupa / ctypes / cffi, same run
#   make check-layers   fail if a core file includes an interpreter header
#   make start-order    measure again which functions import + one runtime run
#                       (mk/pymod_start.ld, laid out first in _tandem.so; valgrind)
#   make install PREFIX=/usr/local
#
# One Python everywhere: Debian's /usr/bin/python3 (override with PYTHON=).

PYTHON  ?= /usr/bin/python3
LUA     ?= lua5.4
CC      ?= gcc
PREFIX  ?= /usr/local
SAN     ?=

# -fno-sanitize=alignment: the fields of packed structs (cdef(packed=True),
# #pragma pack, __attribute__((packed))) sit at unaligned addresses, which the
# ffi reads and writes in place as x86-64 allows (gcc emits the same unaligned
# accesses for packed members); every other undefined behaviour still aborts.
ifeq ($(SAN),1)
BUILD   ?= build-san
OPT     ?= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize=alignment \
           -fno-sanitize-recover=undefined
SANLD   := -fsanitize=address,undefined
else
BUILD   ?= build
OPT     ?= -O2 -g
SANLD   :=
endif

WARN    := -Wall -Wextra -Wshadow -Wundef -Wwrite-strings -Wmissing-prototypes -Wredundant-decls \
           -Wstrict-prototypes -Wold-style-definition -Werror
CSTD    := -std=c11 -D_GNU_SOURCE
# -fno-plt: a call into liblua5.4 or libpython goes through the GOT directly
# instead of a PLT stub's extra jump; a crossing makes ~15 such calls (10-30
# instructions per crossing, callgrind; docs/performance.md). The symbols are
# bound at load, as the host lua5.4 and libpython export them.
BASEFLAGS := $(CSTD) $(OPT) -fPIC -fno-plt -ffunction-sections -fvisibility=hidden $(WARN) \
             -Iinclude -Ibridge

# The interpreters' headers are system headers (-isystem): our warnings, such
# as -Wredundant-decls, are for our code, not theirs.
LUA_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4))
PY_CFLAGS  := $(patsubst -I%,-isystem %,$(sort $(shell $(PYTHON)-config --includes 2>/dev/null || echo -I/usr/include/python3.11)))
PY_VER     := $(shell $(PYTHON) -c 'import sys;print("%d.%d"%sys.version_info[:2])' 2>/dev/null || echo 3.11)
PY_EXT     := $(shell $(PYTHON) -c 'import sysconfig;print(sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null || echo .so)
PY_LIBS    := -lpython$(PY_VER)
FFI_CFLAGS := $(shell pkg-config --cflags libffi 2>/dev/null)
FFI_LIBS   := -lffi

# Where each layer may look for headers: the core and ffi/ see neither interpreter;
# each language's face of the FFI (adapters/LANG/ffi/, adapters/c/ for C data
# itself) is compiled with its language's flags.
BRIDGE_FLAGS := $(BASEFLAGS)
FFI_FLAGS    := $(BASEFLAGS) $(FFI_CFLAGS) -Iffi
CLANG_FLAGS  := $(BASEFLAGS) $(FFI_CFLAGS) -Iffi -Iadapters/c
LUAA_FLAGS   := $(BASEFLAGS) $(LUA_CFLAGS) -Iadapters/lua -Iadapters/lua/ffi -Iadapters/c -Iffi
PYA_FLAGS    := $(BASEFLAGS) $(PY_CFLAGS) -Iadapters/python -Iadapters/python/ffi -Iadapters/c -Iffi
EMBED_FLAGS  := $(BASEFLAGS) -Iffi

OBJ := $(BUILD)/obj
DEPS_STAMP := $(BUILD)/.deps-ok

BRIDGE_SRC := $(wildcard bridge/*.c)
FFI_SRC    := $(wildcard ffi/*.c)
CLANG_SRC  := $(wildcard adapters/c/*.c)
LUAA_SRC   := $(wildcard adapters/lua/*.c adapters/lua/ffi/*.c adapters/lua/front/*.c)
PYA_SRC    := $(wildcard adapters/python/*.c adapters/python/ffi/*.c)
EMBED_SRC  := $(wildcard adapters/embed/*.c)
# The language registry: the one file naming every adapter's table, linked
# into each product (bridge/boot.h).
REG_SRC    := adapters/langs.c

objs = $(patsubst %.c,$(OBJ)/%.o,$(1))
BRIDGE_OBJ := $(call objs,$(BRIDGE_SRC))
FFI_OBJ    := $(call objs,$(FFI_SRC))
CLANG_OBJ  := $(call objs,$(CLANG_SRC))
LUAA_OBJ   := $(call objs,$(LUAA_SRC))
PYA_OBJ    := $(call objs,$(PYA_SRC))
EMBED_OBJ  := $(call objs,$(EMBED_SRC))
REG_OBJ    := $(call objs,$(REG_SRC))
CORE_OBJ   := $(BRIDGE_OBJ) $(FFI_OBJ) $(CLANG_OBJ)    # + C data's language table

LIBSO    := $(BUILD)/lib/libtandem.so
LIBA     := $(BUILD)/lib/libtandem.a
PYPKG    := $(BUILD)/python/tandem
PYMOD    := $(PYPKG)/_tandem$(PY_EXT)
PYPROBE  := $(PYPKG)/_probe$(PY_EXT)
PYFILES  := $(patsubst adapters/python/tandem/%,$(PYPKG)/%,$(wildcard adapters/python/tandem/*.py \
                adapters/python/tandem/*/*.py))
PYSUBPKGS := $(notdir $(patsubst %/,%,$(dir $(wildcard adapters/python/tandem/*/__init__.py))))
TANDEM_CMD := $(BUILD)/bin/tandem
LUAMOD   := $(BUILD)/lua/tandem.so

.PHONY: python-module lua-module start-order
.PHONY: all deps demo test san-test lupa-suite cffi-suite test-unit test-embed test-python test-lua bench \
        check-layers install clean valgrind
all: $(LIBSO) $(LIBA) $(PYMOD) $(PYPROBE) $(PYFILES) $(LUAMOD) $(TANDEM_CMD)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p $(@D) && touch $@

# Every object depends on a stamp named by the checksum of the compile flags,
# so a change of flags (-ffunction-sections, OPT=...) rebuilds them all, not
# only the objects whose sources changed.
FLAGS_STAMP := $(OBJ)/.flags-$(firstword $(shell printf '%s' '$(BASEFLAGS)' | cksum))
$(FLAGS_STAMP):
	@mkdir -p $(@D) && rm -f $(OBJ)/.flags-* && touch $@

$(OBJ)/bridge/%.o: bridge/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -MMD -MP -c $< -o $@
$(OBJ)/ffi/%.o: ffi/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(FFI_FLAGS) -MMD -MP -c $< -o $@
$(OBJ)/adapters/c/%.o: adapters/c/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CLANG_FLAGS) -MMD -MP -c $< -o $@
# The Lua front end of the translator is pure C (neither interpreter header).
$(OBJ)/adapters/lua/front/%.o: adapters/lua/front/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(BRIDGE_FLAGS) -Iadapters/lua/front -MMD -MP -c $< -o $@
$(OBJ)/adapters/lua/%.o: adapters/lua/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(LUAA_FLAGS) -MMD -MP -c $< -o $@
$(OBJ)/adapters/python/%.o: adapters/python/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(PYA_FLAGS) -MMD -MP -c $< -o $@
$(OBJ)/adapters/embed/%.o: adapters/embed/%.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(EMBED_FLAGS) -MMD -MP -c $< -o $@
$(REG_OBJ): $(REG_SRC) $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(EMBED_FLAGS) -MMD -MP -c $< -o $@

# libtandem: the C host library, both interpreters linked in.
$(LIBSO): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(EMBED_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) -o $@ $^ -llua5.4 $(PY_LIBS) $(FFI_LIBS) -ldl -lpthread -lm \
	    -Wl,-soname,libtandem.so
$(LIBA): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(EMBED_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The modules' objects, those that importing and opening a runtime run first
# and the rest after: the translator (with its 250 KB runtime library pyrt,
# read only when translating) and the C FFI (pffi_module first: it makes the
# FFI types at import) at the end. The resident memory of `import tandem` +
# one runtime counts the file pages faulted in (64 KB at a time, or the
# page cache's whole folio), so the pages the start touches should be
# together (docs/performance.md, "RSS"). -z pack-relative-relocs: the 1,300
# relative relocations in a few hundred bytes (DT_RELR) instead of 30 KB read
# at every load.
MOD_COLD := $(call objs,adapters/lua/lxlate.c adapters/lua/lxfast.c adapters/lua/lxentry.c adapters/lua/lxbox.c \
                adapters/lua/lsourceir.c adapters/python/pxlate.c bridge/ir.c) \
            $(filter $(OBJ)/adapters/lua/front/%,$(LUAA_OBJ))
MOD_FFI  := $(call objs,$(addprefix adapters/python/ffi/pffi_,module.c cdata.c ctype.c lib.c)) \
            $(filter-out $(call objs,$(addprefix adapters/python/ffi/pffi_,module.c cdata.c ctype.c lib.c)), \
                $(filter $(OBJ)/adapters/python/ffi/%,$(PYA_OBJ))) \
            $(filter $(OBJ)/adapters/lua/ffi/%,$(LUAA_OBJ)) $(FFI_OBJ) $(CLANG_OBJ)
inorder   = $(foreach o,$(2),$(filter $(o),$(1)))
# glibc's libc_nonshared.a (pthread_atfork, which the runtime calls at open)
# right after them, or the driver links its stub at the end of .text and one
# call faults in the last 60 KB of code.
NONSHARED := $(filter /%,$(shell $(CC) -print-file-name=libc_nonshared.a 2>/dev/null))
hotfirst  = $(filter-out $(MOD_COLD) $(MOD_FFI),$(1)) $(NONSHARED) \
            $(call inorder,$(1),$(MOD_FFI)) $(call inorder,$(1),$(MOD_COLD))
MOD_LD   := $(shell printf 'int main(void){return 0;}\n' | $(CC) -Wl,-z,pack-relative-relocs \
                -x c -o /dev/null - >/dev/null 2>&1 && echo -Wl,-z,pack-relative-relocs)
# The start's functions themselves together: every function is a section of
# its own (-ffunction-sections), and mk/pymod_start.ld (written by
# tools/start_order.py, `make start-order`, from a callgrind run of import +
# one runtime) lists those that the start runs; the module is linked with
# GNU ld's own default script for these options (`-Wl,--verbose`) with that
# list first in .text, next to the PLT: ~53 KB of code in one run of pages
# instead of spread over 160 KB. The link map is kept for start_order.py.
# Segments 64 KB aligned (max-page-size, in the file and so in memory): the
# kernel maps a file 64 KB around each fault, and a file copied in large
# writes (pip, install) sits in the page cache in 64 KB folios, mapped
# whole; aligned, the start's code is one such folio and the constants
# another, not straddling two (docs/performance.md, "RSS").
PYMOD_START  := mk/pymod_start.ld
PYMOD_SCRIPT := $(OBJ)/pymod.ld
PYMOD_FLAGS  := $(MOD_LD) -Wl,-z,max-page-size=0x10000
PYMOD_LD     := $(PYMOD_FLAGS) -Wl,-T,$(PYMOD_SCRIPT) -Wl,-Map=$(OBJ)/_tandem.map
$(PYMOD_SCRIPT): $(PYMOD_START) tools/start_order.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) $(PYMOD_FLAGS) -Wl,--verbose -o $@.so -x c /dev/null \
	    | $(PYTHON) tools/start_order.py script $(PYMOD_START) > $@.tmp
	rm -f $@.so && mv $@.tmp $@

# Python extension: hosts Lua, so it links liblua5.4 (promoted to global at import).
$(PYMOD): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ) $(PYMOD_SCRIPT)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) $(PYMOD_LD) -o $@ $(call hotfirst,$(filter %.o,$^)) \
	    -llua5.4 $(FFI_LIBS) -ldl -lpthread -lm
# Measure the start again and rewrite mk/pymod_start.ld (needs valgrind).
start-order: $(PYMOD) $(PYFILES)
	$(PYTHON) tools/start_order.py measure $(PYMOD) $(OBJ)/_tandem.map $(PYMOD_START) $(BUILD)/python
# tandem._probe: is another Lua's lua_* global? (asked before _tandem loads)
$(PYPROBE): adapters/python/probe/_probe.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(PYA_FLAGS) -shared $(SANLD) -o $@ $< -ldl
$(PYPKG)/%.py: adapters/python/tandem/%.py
	@mkdir -p $(@D)
	cp $< $@
# The tandem command of the build tree (make install writes its own).
$(TANDEM_CMD): tools/tandem_cmd.py.in
	@mkdir -p $(@D)
	sed -e 's|@PYTHON@|$(PYTHON)|' -e 's|@PYDIR@|../python|' $< > $@
	chmod 755 $@

# Lua C module: lua5.4 exports the Lua API itself, so no -llua5.4 here.
$(LUAMOD): $(CORE_OBJ) $(REG_OBJ) $(LUAA_OBJ) $(PYA_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SANLD) $(MOD_LD) -o $@ $(call hotfirst,$^) $(PY_LIBS) $(FFI_LIBS) -ldl -lpthread -lm

-include $(wildcard mk/*.mk)

# ---------------------------------------------------------------------------
# Layering: the core and ffi/ include no interpreter header, the Lua adapter
# never includes Python.h, the Python adapter never includes lua.h. Checked on
# the compiler's own dependency lists, so an indirect include is caught too.
check-layers: all
	@sh tools/check_layers.sh $(OBJ)

# ---------------------------------------------------------------------------
# Tests. Each suite ends with a line "N passed, N failed"; tools/summary.sh adds
# them up into the final line.
test: all tests-build check-layers
	@sh tools/run_tests.sh $(BUILD) $(PYTHON) $(LUA)

san-test:
	$(MAKE) SAN=1 test

# lupa 2.8's own unittest suite against tandem (docs/python.md lists what
# still differs): fails on a crash or below 97% passing.
LUPA_SUITE ?= ../shared/tools/lupa_suite.sh
lupa-suite: all
	@sh tools/lupa_suite_check.sh $(LUPA_SUITE) $(abspath $(BUILD))/python

# cffi 1.15.1's own ABI-mode tests against tandem.FFI (docs/ffi.md lists what
# differs): fails on a crash or below 90% passing (issue 13).
CFFI_SUITE ?= ../shared/tools/cffi_suite.sh
cffi-suite: all
	@sh tools/cffi_suite_check.sh $(CFFI_SUITE) $(abspath $(BUILD))/python

valgrind: all tests-build
	@sh tools/valgrind.sh $(BUILD)

demo: all
	@$(TANDEM_CMD)

# What pip (setup.py) and luarocks (tandem-scm-1.rockspec) build.
python-module: $(PYMOD) $(PYPROBE) $(PYFILES)
lua-module: $(LUAMOD)

bench: all
	@sh bench/run.sh $(BUILD) $(PYTHON) $(LUA)

# Where the Python package goes: ask $(PYTHON). A site directory that Python
# already searches under PREFIX (Debian's /usr/bin/python3 searches
# /usr/local/lib/python3.X/dist-packages for PREFIX=/usr/local), else the
# standard layout PREFIX/lib/python3.X/site-packages (then set PYTHONPATH).
# Override with PYTHON_SITE=dir.
PYTHON_SITE ?= $(shell $(PYTHON) tools/python_site.py $(PREFIX))

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/tandem.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(LIBSO) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@PYVER@|$(PY_VER)|' tools/tandem.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/tandem.pc
	install -d $(DESTDIR)$(PYTHON_SITE)/tandem
	install -m 644 $(PYPKG)/*.py $(PYMOD) $(PYPROBE) $(DESTDIR)$(PYTHON_SITE)/tandem/
	for d in $(PYSUBPKGS); do \
	    install -d $(DESTDIR)$(PYTHON_SITE)/tandem/$$d && \
	    install -m 644 $(PYPKG)/$$d/*.py $(DESTDIR)$(PYTHON_SITE)/tandem/$$d/ || exit 1; \
	done
	install -d $(DESTDIR)$(PREFIX)/bin
	sed -e 's|@PYTHON@|$(PYTHON)|' -e 's|@PYDIR@|$(PYTHON_SITE)|' tools/tandem_cmd.py.in \
	    > $(DESTDIR)$(PREFIX)/bin/tandem
	chmod 755 $(DESTDIR)$(PREFIX)/bin/tandem
	@echo "tandem: Python package in $(PYTHON_SITE)/tandem"
	install -d $(DESTDIR)$(PREFIX)/lib/lua/5.4
	install -m 755 $(LUAMOD) $(DESTDIR)$(PREFIX)/lib/lua/5.4/

clean:
	rm -rf build build-san build-race

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
