-- pyrt/pynames.lua — the public attribute names (dir() without the _ names)
-- of the Python 3.11 types the runtime's values stand for, by type name:
-- own_method (core.lua) refuses a method Python has and the runtime lacks,
-- and raises AttributeError for one Python's type does not have either.
-- tests/python/test_translate_methods.py checks this table against CPython.
do
    local names = {
        NoneType = "",
        bool = "as_integer_ratio bit_count bit_length conjugate denominator from_bytes imag "
            .. "numerator real to_bytes",
        int = "as_integer_ratio bit_count bit_length conjugate denominator from_bytes imag "
            .. "numerator real to_bytes",
        float = "as_integer_ratio conjugate fromhex hex imag is_integer real",
        str = "capitalize casefold center count encode endswith expandtabs find format "
            .. "format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower "
            .. "isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans "
            .. "partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit "
            .. "rstrip split splitlines startswith strip swapcase title translate upper zfill",
        list = "append clear copy count extend index insert pop remove reverse sort",
        tuple = "count index",
        dict = "clear copy fromkeys get items keys pop popitem setdefault update values",
        set = "add clear copy difference difference_update discard intersection "
            .. "intersection_update isdisjoint issubset issuperset pop remove "
            .. "symmetric_difference symmetric_difference_update union update",
        frozenset = "copy difference intersection isdisjoint issubset issuperset symmetric_difference "
            .. "union",
        range = "count index start step stop",
        generator = "close gi_code gi_frame gi_running gi_suspended gi_yieldfrom send throw",
        ["function"] = "",
        builtin_function_or_method = "",
        dict_keys = "isdisjoint mapping",
        dict_values = "mapping",
        dict_items = "isdisjoint mapping",
        enumerate = "",
        zip = "",
        map = "",
        filter = "",
        reversed = "",
        range_iterator = "",
    }
    for tn, list in pairs(names) do
        local set = {}
        for name in list:gmatch("%S+") do
            set[name] = true
        end
        PYNAMES[tn] = set
    end
end
