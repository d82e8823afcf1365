"""Methods of tandem.FFI written in Python on top of its C methods (cffi's
API where it is convenience, not speed): new_allocator, list_types,
def_extern and init_once. install(FFI) adds them to the class; importing
this module does so for tandem._tandem.FFI, which it exports as FFI (the
package imports it when tandem.FFI is first read)."""

import _thread


def new_allocator(self, alloc=None, free=None, should_clear_after_alloc=True):
    """new_allocator(alloc=None, free=None, should_clear_after_alloc=True):
    a function like ffi.new() whose memory comes from alloc(size), a cdata
    pointer or array, and goes back through free(that cdata). Without alloc
    it is ffi.new (memory is always zeroed then)."""
    if alloc is None:
        if free is not None:
            raise TypeError("new_allocator(): cannot pass 'free' without 'alloc'")

        def allocator(cdecl, init=None):
            return self.new(cdecl, init)
        return allocator

    def allocator(cdecl, init=None):
        ct = cdecl if isinstance(cdecl, self.CType) else self.typeof(cdecl)
        if ct.kind == "pointer":
            size, nelem = self.sizeof(ct.item), -1
        elif ct.kind == "array":
            if ct.length is not None:
                nelem = ct.length
            elif isinstance(init, int):
                nelem, init = init, None
            elif isinstance(init, (bytes, str)):
                nelem = len(init) + 1
            elif isinstance(init, (list, tuple)):
                nelem = len(init)
            else:
                raise TypeError("new_allocator: '%s' needs a length or a list, tuple, bytes "
                                "or str initializer" % ct.cname)
            size = nelem * self.sizeof(ct.item)
        else:
            raise TypeError("expected a pointer or array ctype, got '%s'" % ct.cname)
        raw = alloc(size)
        if not isinstance(raw, self.CData):
            raise TypeError("alloc() must return a cdata object (got %s)"
                            % type(raw).__name__)
        rt = self.typeof(raw)
        if rt.kind not in ("pointer", "array"):
            raise TypeError("alloc() must return a cdata pointer, not '%s'" % rt.cname)
        if raw == self.NULL:
            raise MemoryError("alloc() returned NULL")
        p = self._view(ct, raw, nelem)
        if should_clear_after_alloc and size:
            self.memmove(p, b"\0" * size, size)
        if init is not None:
            if ct.kind == "pointer":
                p[0] = init
            else:
                p[0:len(init)] = init
        if free is not None:
            p = self.gc(p, lambda _p, raw=raw: free(raw))
        return p
    return allocator


def list_types(self):
    """list_types() -> (typedef names, struct names, union names), each sorted:
    the types cdef declared (and include brought in)."""
    names, tags = self._names()
    typedefs = sorted(n for n, kind in names if kind == 1)
    structs = sorted(t for k, t in tags if k == "struct")
    unions = sorted(t for k, t in tags if k == "union")
    return typedefs, structs, unions


def def_extern(self, *args, **kwds):
    """def_extern(): cffi's `extern "Python"` functions need API mode (a
    compiled module); an ABI-mode FFI has none, so this always raises."""
    raise ValueError("ffi.def_extern() is only available on API-mode FFI objects "
                     "(extern \"Python\" needs a compiled module); use ffi.callback()")


_once_guard = _thread.allocate_lock()


def init_once(self, func, tag):
    """init_once(func, tag): call func() the first time for tag and return its
    result, then return that result without calling func. Threads asking for
    a tag whose func is running wait for it; if func raises, nothing is kept
    and the next caller runs it again."""
    with _once_guard:
        table = self.__dict__.setdefault("_init_once_table", {})
        entry = table.get(tag)
        if entry is None:
            entry = table[tag] = [False, None, _thread.allocate_lock()]
    done, result, lock = entry
    if done:
        return result
    with lock:
        if entry[0]:
            return entry[1]
        result = func()
        entry[1] = result
        entry[0] = True
    return result


def install(cls):
    for fn in (new_allocator, list_types, def_extern, init_once):
        setattr(cls, fn.__name__, fn)


# tandem.FFI, read through the package's __getattr__ on first use
from ._tandem import FFI  # noqa: E402
install(FFI)
