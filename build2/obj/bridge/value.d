build2/obj/bridge/value.o: bridge/value.c bridge/runtime.h bridge/frame.h \
 bridge/lang.h include/tandem.h bridge/intern.h bridge/value.h
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/value.h:
