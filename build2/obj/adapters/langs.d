build2/obj/adapters/langs.o: adapters/langs.c bridge/runtime.h \
 bridge/frame.h bridge/lang.h include/tandem.h bridge/intern.h \
 bridge/boot.h
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
