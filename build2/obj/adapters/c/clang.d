build2/obj/adapters/c/clang.o: adapters/c/clang.c adapters/c/clang.h \
 bridge/runtime.h bridge/frame.h bridge/lang.h include/tandem.h \
 bridge/intern.h ffi/ccall.h ffi/cdata.h ffi/ctypes.h bridge/frame.h
adapters/c/clang.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
ffi/ccall.h:
ffi/cdata.h:
ffi/ctypes.h:
bridge/frame.h:
