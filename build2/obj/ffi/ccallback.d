build2/obj/ffi/ccallback.o: ffi/ccallback.c ffi/ccallback.h ffi/cdata.h \
 ffi/ctypes.h include/tandem.h bridge/frame.h bridge/lang.h
ffi/ccallback.h:
ffi/cdata.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
