// The two leaf writers of Python's json.dumps (ensure_ascii=True): strings
// and floats. Shared by the text and the simdjson canonicalizers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace iot::sign {

// Appends utf8 as a JSON string literal exactly as Python's ensure_ascii
// encoder writes it: \" \\ \n \r \t \b \f, other bytes below 0x20 and DEL as
// \u00XX, every non-ASCII code point as \uXXXX (lowercase hex, surrogate pairs
// above the BMP). Returns false (out partly written) on invalid UTF-8:
// overlong forms, surrogates, code points above U+10FFFF, truncated sequences.
bool append_python_string(std::string& out, std::string_view utf8);

// Appends Python's repr of a finite double (see python_float_repr).
void append_python_float(std::string& out, double value);

// The raw-buffer forms, for writers that manage their own buffer:
// write_python_float writes at most kMaxPythonFloatChars and returns the end;
// needs_python_escape is false when append_python_string would only add quotes.
inline constexpr std::size_t kMaxPythonFloatChars = 32;
char* write_python_float(char* out, double value);
bool needs_python_escape(std::string_view utf8);

}  // namespace iot::sign
