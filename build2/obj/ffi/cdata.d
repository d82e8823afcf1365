build2/obj/ffi/cdata.o: ffi/cdata.c ffi/cdata.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h ffi/ccallback.h
ffi/cdata.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
ffi/ccallback.h:
