-- pyrt/speed.lua — what typed emission (adapters/lua/lxlate.c) needs from
-- the runtime: an inline 64-bit check that fails calls OVF(op, a, b), which
-- gives the exact result as the helpers do (core.lua's big: Python computes
-- it and it stays a Python int; OverflowError without a host).
rt.overflow = big
-- str() of an integer: Lua's integer format ("%lld"), Python's too
rt.itos = tostring
