build2/obj/adapters/embed/embed.o: adapters/embed/embed.c \
 bridge/runtime.h bridge/frame.h bridge/lang.h include/tandem.h \
 bridge/intern.h bridge/value.h bridge/boot.h
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/value.h:
bridge/boot.h:
