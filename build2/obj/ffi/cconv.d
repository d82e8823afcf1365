build2/obj/ffi/cconv.o: ffi/cconv.c ffi/cdata.h ffi/ctypes.h \
 include/tandem.h bridge/frame.h bridge/lang.h
ffi/cdata.h:
ffi/ctypes.h:
include/tandem.h:
bridge/frame.h:
bridge/lang.h:
