# Assembles one man page from its own text and the shared fragments:
#   cmake -DIN=man/iot-pub.1.scd -DOUT=build/iot-pub.1.scd -DFRAGMENTS=man/fragments -P man/assemble.cmake
# A line that is exactly "#include NAME" becomes the text of FRAGMENTS/NAME.scd.
# Option text that several pages share (broker, TLS, logging, --config) is
# written once there, so the pages cannot drift apart. One level only: a
# fragment holds no #include of its own. A name without a fragment fails
# the build rather than reaching scdoc as a heading.
foreach(var IN ITEMS IN OUT FRAGMENTS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "assemble.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${IN}" text)
# Work on "\n<text>\n" so a directive on the first or last line is a whole
# line too; string(REPLACE) keeps the fragment's bytes as they are.
set(text "\n${text}\n")
string(REGEX MATCHALL "\n#include[^\n]*" directives "${text}")
foreach(directive IN LISTS directives)
  if(NOT directive MATCHES "^\n#include ([a-z0-9-]+)$")
    string(STRIP "${directive}" shown)
    message(FATAL_ERROR "${IN}: malformed directive \"${shown}\" (want #include NAME)")
  endif()
  set(name "${CMAKE_MATCH_1}")
  set(fragment "${FRAGMENTS}/${name}.scd")
  if(NOT EXISTS "${fragment}")
    message(FATAL_ERROR "${IN}: #include ${name}: no fragment ${fragment}")
  endif()
  file(READ "${fragment}" body)
  if(body MATCHES "(^|\n)#include")
    message(FATAL_ERROR "${fragment}: fragments do not include other fragments")
  endif()
  string(REGEX REPLACE "\n+$" "" body "${body}")
  string(REPLACE "${directive}\n" "\n${body}\n" text "${text}")
endforeach()
string(LENGTH "${text}" length)
math(EXPR length "${length} - 2")
string(SUBSTRING "${text}" 1 ${length} text)
file(WRITE "${OUT}" "${text}")
