-- pyrt/end.lua — the last part of the pyrt chunk (see core.lua): its value.

-- the names builtins go by in messages: int is a type, len a builtin function
for f in pairs(typenames) do
    TYPEOF[f] = "type"
end
for _, f in pairs(B) do
    if type(f) == "function" and TYPEOF[f] == nil then
        TYPEOF[f] = "builtin_function_or_method"
    end
end

return rt
