# Rendered graphs for docs/: when Graphviz's `dot` is found, the build draws
# the cascades of examples/attention.mlir (the 3-pass cascade after
# attn-decompose and the sparsified one-pass cascade that cascadec compiles)
# as SVG into <build>/docs/images and copies them into docs/images, so the
# committed pictures always match the code. Without `dot` they are left as
# they are.
find_program(CASCADE_DOT dot)
if(NOT CASCADE_DOT)
  message(STATUS "Graphviz (dot) not found: docs/images are not regenerated")
  return()
endif()

set(example ${CMAKE_SOURCE_DIR}/examples/attention.mlir)
set(images ${CMAKE_BINARY_DIR}/docs/images)
file(MAKE_DIRECTORY ${images})
set(outputs)
foreach(stage 3pass 1pass)
  set(dot ${images}/attention-${stage}.dot)
  set(svg ${images}/attention-${stage}.svg)
  set(dst ${CMAKE_SOURCE_DIR}/docs/images/attention-${stage}.svg)
  if(stage STREQUAL "3pass")
    set(draw $<TARGET_FILE:cascade-opt> ${example} --attn-decompose
      --ein-print-graph=output=${dot} -o /dev/null)
    set(tool cascade-opt)
  else()
    set(draw $<TARGET_FILE:cascadec> ${example} --emit=dot -o ${dot})
    set(tool cascadec)
  endif()
  add_custom_command(OUTPUT ${dst}
    COMMAND ${draw}
    COMMAND ${CASCADE_DOT} -Tsvg ${dot} -o ${svg}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${svg} ${dst}
    DEPENDS ${tool} ${example}
    COMMENT "Drawing docs/images/attention-${stage}.svg")
  list(APPEND outputs ${dst})
endforeach()
add_custom_target(cascade-doc-images DEPENDS ${outputs})
add_dependencies(cascade-doc cascade-doc-images)
