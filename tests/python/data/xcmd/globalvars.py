"""Module globals read, rebound and deleted by functions and the module body."""

X = 1

def get():
    return X

def setx(v):
    global X
    X = v

def delx():
    global X
    del X

print(get())
setx(5)
print(get(), X)
for i in range(3):
    setx(get() + i)
print(get())
delx()
try:
    get()
except NameError as e:
    print("NameError", e)
X = 9
print(get())
