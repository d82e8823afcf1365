-- pyrt/end.lua — the last part of the pyrt chunk (see core.lua): its value.

return rt
