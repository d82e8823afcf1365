build2/obj/adapters/lua/lops.o: adapters/lua/lops.c \
 adapters/lua/ladapter.h bridge/runtime.h bridge/frame.h bridge/lang.h \
 include/tandem.h bridge/intern.h bridge/boot.h bridge/value.h
adapters/lua/ladapter.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
bridge/value.h:
