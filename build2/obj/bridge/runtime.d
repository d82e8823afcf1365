build2/obj/bridge/runtime.o: bridge/runtime.c bridge/runtime.h \
 bridge/frame.h bridge/lang.h include/tandem.h bridge/intern.h
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
