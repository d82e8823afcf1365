-- pyrt/speed.lua — what typed emission (adapters/lua/lxlate.c) needs from
-- the runtime: the OverflowError of 64-bit integer arithmetic, raised by the
-- inline checks exactly as the helpers raise it.
rt.overflow = overflow
-- str() of an integer: Lua's integer format ("%lld"), Python's too
rt.itos = tostring
