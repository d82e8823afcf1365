build2/obj/adapters/python/pops.o: adapters/python/pops.c \
 adapters/python/padapter.h bridge/runtime.h bridge/frame.h bridge/lang.h \
 include/tandem.h bridge/intern.h bridge/boot.h bridge/value.h
adapters/python/padapter.h:
bridge/runtime.h:
bridge/frame.h:
bridge/lang.h:
include/tandem.h:
bridge/intern.h:
bridge/boot.h:
bridge/value.h:
