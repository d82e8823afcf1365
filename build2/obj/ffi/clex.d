build2/obj/ffi/clex.o: ffi/clex.c ffi/clex.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h
ffi/clex.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
