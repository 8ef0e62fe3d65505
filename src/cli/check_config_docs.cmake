# Fails when docs/configuration.md differs from what `clickstream config docs`
# prints. Run as: cmake -DCLICKSTREAM=<binary> -DREFERENCE=<file> -P check_config_docs.cmake
execute_process(COMMAND ${CLICKSTREAM} config docs
  OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "`clickstream config docs` failed (exit ${rc})")
endif()
if(NOT EXISTS ${REFERENCE})
  message(FATAL_ERROR "${REFERENCE} is missing; generate it with:\n"
                      "  clickstream config docs > docs/configuration.md")
endif()
file(READ ${REFERENCE} reference)
if(NOT generated STREQUAL reference)
  message(FATAL_ERROR "${REFERENCE} is stale: it differs from `clickstream config docs`.\n"
                      "Regenerate it with:\n"
                      "  clickstream config docs > docs/configuration.md")
endif()
