build2/obj/adapters/lua/lxlate.o: adapters/lua/lxlate.c \
 adapters/lua/ladapter.h bridge/runtime.h bridge/frame.h bridge/lang.h \
 include/tandem.h bridge/intern.h bridge/boot.h bridge/frame.h \
 bridge/ir.h build2/gen/pyrt_lua.h
adapters/lua/ladapter.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
bridge/frame.h:
bridge/ir.h:
build2/gen/pyrt_lua.h:
