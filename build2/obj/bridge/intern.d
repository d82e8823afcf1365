build2/obj/bridge/intern.o: bridge/intern.c bridge/intern.h bridge/lang.h \
 include/tandem.h
bridge/intern.h:
bridge/lang.h:
include/tandem.h:
