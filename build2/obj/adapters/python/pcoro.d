build2/obj/adapters/python/pcoro.o: adapters/python/pcoro.c \
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
