build2/obj/adapters/lua/lconvert.o: adapters/lua/lconvert.c \
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
