build2/obj/adapters/lua/lpylib.o: adapters/lua/lpylib.c \
 adapters/lua/ladapter.h bridge/runtime.h bridge/frame.h bridge/lang.h \
 include/tandem.h bridge/intern.h bridge/boot.h
adapters/lua/ladapter.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
