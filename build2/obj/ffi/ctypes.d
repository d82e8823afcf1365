build2/obj/ffi/ctypes.o: ffi/ctypes.c ffi/ctypes.h include/tandem.h \
 bridge/frame.h bridge/lang.h ffi/cdata.h
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
ffi/cdata.h:
