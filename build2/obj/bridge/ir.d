build2/obj/bridge/ir.o: bridge/ir.c bridge/ir.h bridge/lang.h \
 include/tandem.h
bridge/ir.h:
bridge/lang.h:
include/tandem.h:
