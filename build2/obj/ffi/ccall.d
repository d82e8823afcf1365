build2/obj/ffi/ccall.o: ffi/ccall.c ffi/ccall.h ffi/cdata.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h ffi/ccallback.h
ffi/ccall.h:
ffi/cdata.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
ffi/ccallback.h:
