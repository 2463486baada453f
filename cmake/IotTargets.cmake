# Libraries are built as unity builds (IOT_UNITY_BUILD, on by default): eight
# source files a translation unit. Most of a file's compile time here is the
# headers it shares with its neighbours (CLI11 alone is about 9 s a file at
# -O3, fmt, simdjson, nlohmann/json), so this cuts a cold build of the
# libraries to about a third, in each of the release, ASan and fuzz trees
# that scripts/test builds. The price: names in a file's anonymous namespace
# must be unique within its library (a clash is a compile error, or, for
# overloads of one name, a silent change of which one a call picks: name
# file-local helpers after what they do in that file).
option(IOT_UNITY_BUILD "Build the libraries eight source files at a time" ON)
function(iot_unity target)
  if(IOT_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

# iot_concern(NAME DEPS ...): the library iot_NAME from common/NAME/*.cpp.
# The link graph is the layering: a concern may only use what it names here.
function(iot_concern name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  if(sources)
    add_library(iot_${name} STATIC ${sources})
    target_include_directories(iot_${name} PUBLIC ${PROJECT_SOURCE_DIR}/common)
    target_link_libraries(iot_${name} PUBLIC ${ARG_DEPS})
    set_target_properties(iot_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    iot_unity(iot_${name})
  else()
    add_library(iot_${name} INTERFACE)
    target_include_directories(iot_${name} INTERFACE ${PROJECT_SOURCE_DIR}/common)
    target_link_libraries(iot_${name} INTERFACE ${ARG_DEPS})
  endif()
  add_library(iot::${name} ALIAS iot_${name})
endfunction()

# iot_tool(NAME DEPS ...): tools/iot-NAME/*.cpp but main.cpp become iot_tool_NAME
# (linked by the tests too); main.cpp becomes the binary iot-NAME.
function(iot_tool name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/iot-${name}/*.cpp)
  list(FILTER sources EXCLUDE REGEX ".*/main\\.cpp$")
  add_library(iot_tool_${name} STATIC ${sources})
  target_include_directories(iot_tool_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(iot_tool_${name} PUBLIC iot::cli ${ARG_DEPS})
  iot_unity(iot_tool_${name})
  add_executable(iot-${name} iot-${name}/main.cpp)
  target_link_libraries(iot-${name} PRIVATE iot_tool_${name})
  install(TARGETS iot-${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()

# iot_unit_tests(CONCERN DEPS ...): tests/unit/CONCERN/*_test.cpp as one gtest binary.
# Test code is built at -O1 in Release: most of a test file's compile time
# is -O3 code generation for gtest's macros, and the code under test is in
# the iot:: libraries, which keep the build type's -O3 (what the tools run).
# Only the test files themselves, and header code they instantiate, are
# optimised less. The ASan preset builds everything at -Og anyway: with the
# sanitizers, -O1 doubles the compile time of each file for little gain
# in the unit tests' run time.
function(iot_test_code_options target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
  # Test tables give each row's leading fields and leave the rest at their
  # defaults on purpose ({"redis://:7001", {"127.0.0.1", 7001, "", ""}}).
  target_compile_options(${target} PRIVATE -Wno-missing-field-initializers)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
endfunction()

function(iot_unit_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/${name}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(unit_${name} ${sources})
  target_link_libraries(unit_${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  # tests/unit/support/: helpers shared by several test binaries.
  target_include_directories(unit_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  iot_test_code_options(unit_${name})
  target_compile_definitions(unit_${name} PRIVATE
    IOT_SOURCE_DIR="${PROJECT_SOURCE_DIR}" IOT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # *Driver suites (InteropDriver) are helpers that an interop test runs with
  # its fixtures; on their own they would only show up as skipped.
  gtest_discover_tests(unit_${name} DISCOVERY_TIMEOUT 60 TEST_FILTER "-*Driver.*" PROPERTIES LABELS unit)
endfunction()
