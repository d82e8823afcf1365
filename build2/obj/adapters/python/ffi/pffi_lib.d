build2/obj/adapters/python/ffi/pffi_lib.o: adapters/python/ffi/pffi_lib.c \
 adapters/python/ffi/pffi.h bridge/runtime.h bridge/frame.h bridge/lang.h \
 include/tandem.h bridge/intern.h ffi/ctypes.h bridge/frame.h \
 ffi/cparse.h ffi/ctypes.h ffi/cdata.h ffi/ccall.h ffi/cdata.h \
 ffi/ccallback.h adapters/c/clang.h
adapters/python/ffi/pffi.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
ffi/ctypes.h:
bridge/frame.h:
ffi/cparse.h:
ffi/ctypes.h:
ffi/cdata.h:
ffi/ccall.h:
ffi/cdata.h:
ffi/ccallback.h:
adapters/c/clang.h:
