#pragma pack(push, 2)
struct s { char a; int b; double d; };
#pragma pack(pop)
struct t { char c; struct s in; } __attribute__((packed));
typedef struct __attribute__((__packed__)) { char a; long l; } x;
