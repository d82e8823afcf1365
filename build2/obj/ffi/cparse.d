build2/obj/ffi/cparse.o: ffi/cparse.c ffi/cparse.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h ffi/cexpr.h ffi/clex.h
ffi/cparse.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
ffi/cexpr.h:
ffi/clex.h:
