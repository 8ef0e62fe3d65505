# Helpers that give every module the same shape:
#   cs_module(NAME SOURCES ... DEPS ...)   one static library per module, cs::NAME
#   cs_tests(NAME [BINARY bin] SOURCES ... [DEPS ...] [LABELS ...])
#                                          a GoogleTest binary (default NAME_test) whose tests
#                                          are registered in CTest with the module's label;
#                                          slow suites get their own binary and LABELS slow
#   cs_duckdb_test(NAME SCRIPT tests/x.mjs TOOL target [TIMEOUT s] [LABELS ...])
#                                          a node script (tests/parquet/harness.mjs) that runs
#                                          the fixture tool in a scratch directory and reads
#                                          its files back with DuckDB; skipped without node
#                                          or tests/parquet/node_modules
# Includes are rooted at src/, so code says #include "storage/segment.h".

set(CS_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Werror)

function(cs_apply_common target)
  target_compile_options(${target} PRIVATE ${CS_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  if(CLICKSTREAM_SANITIZE)
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                            -fno-sanitize-recover=all)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

function(cs_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(cs_${name} STATIC ${M_SOURCES})
  add_library(cs::${name} ALIAS cs_${name})
  cs_apply_common(cs_${name})
  target_link_libraries(cs_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

function(cs_tests name)
  cmake_parse_arguments(T "" "BINARY" "SOURCES;DEPS;LABELS" ${ARGN})
  set(target ${name}_test)
  if(T_BINARY)
    set(target ${T_BINARY})
  endif()
  add_executable(${target} ${T_SOURCES})
  cs_apply_common(${target})
  target_link_libraries(${target} PRIVATE cs::${name} ${T_DEPS} GTest::gtest GTest::gtest_main
                                          GTest::gmock)
  if(T_LABELS)
    # A suite with extra labels (slow) is one CTest test: gtest_discover_tests
    # in CMake 3.25 flattens a label list into separate properties.
    add_test(NAME ${target} COMMAND ${target} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(${target} PROPERTIES LABELS "${name};${T_LABELS}")
  else()
    gtest_discover_tests(${target}
      DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS ${name}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  endif()
endfunction()

function(cs_duckdb_test name)
  cmake_parse_arguments(D "" "SCRIPT;TOOL;TIMEOUT" "LABELS" ${ARGN})
  find_program(NODE_EXECUTABLE node)
  if(NOT NODE_EXECUTABLE)
    return()
  endif()
  if(NOT D_TIMEOUT)
    set(D_TIMEOUT 300)
  endif()
  add_test(NAME ${name}
           COMMAND ${NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/${D_SCRIPT}
                   $<TARGET_FILE:${D_TOOL}> ${CMAKE_CURRENT_BINARY_DIR}/${name}_scratch)
  # harness.mjs exits 77 without tests/parquet/node_modules.
  set_tests_properties(${name} PROPERTIES LABELS "${D_LABELS}" TIMEOUT ${D_TIMEOUT}
                                          SKIP_RETURN_CODE 77)
endfunction()
