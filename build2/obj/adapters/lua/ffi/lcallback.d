build2/obj/adapters/lua/ffi/lcallback.o: adapters/lua/ffi/lcallback.c \
 adapters/lua/ffi/lffi.h adapters/lua/ladapter.h bridge/runtime.h \
 bridge/frame.h bridge/lang.h include/tandem.h bridge/intern.h \
 bridge/boot.h ffi/ccall.h ffi/cdata.h ffi/ctypes.h bridge/frame.h \
 ffi/ccallback.h ffi/cparse.h adapters/c/clang.h bridge/value.h
adapters/lua/ffi/lffi.h:
adapters/lua/ladapter.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
ffi/ccall.h:
ffi/cdata.h:
ffi/ctypes.h:
bridge/frame.h:
ffi/ccallback.h:
ffi/cparse.h:
adapters/c/clang.h:
bridge/value.h:
