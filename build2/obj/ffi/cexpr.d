build2/obj/ffi/cexpr.o: ffi/cexpr.c ffi/cexpr.h ffi/clex.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h
ffi/cexpr.h:
ffi/clex.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
