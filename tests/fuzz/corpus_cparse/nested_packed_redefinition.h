struct t { struct t { int x; } y; } __attribute__((packed));
struct __attribute__((packed)) t { struct t { int x; } y; };