# Small wrappers so that each CMakeLists.txt of the project stays a few lines.

# Every Cascade library links the MLIR and LLVM dylibs, never the static
# archives. The libraries are static, position-independent (so that shared
# libraries such as the mlir-opt plugin and the C API can include them) and
# installed as Cascade::<name> in the CascadeTargets export set.
function(add_cascade_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  target_include_directories(${name} INTERFACE
    $<INSTALL_INTERFACE:${CASCADE_INSTALL_INCLUDEDIR}>)
  install(TARGETS ${name} EXPORT CascadeTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set_property(GLOBAL APPEND PROPERTY CASCADE_LIBRARIES ${name})
endfunction()

# A dialect folder: generates ops/dialect/enum/attr declarations from <Name>.td
# and its dialect documentation into docs/Dialects/<Name>.md.
function(add_cascade_dialect_tablegen dialect)
  set(LLVM_TARGET_DEFINITIONS ${dialect}.td)
  mlir_tablegen(${dialect}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${dialect}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${dialect}Dialect.h.inc -gen-dialect-decls -dialect=${ARGV1})
  mlir_tablegen(${dialect}Dialect.cpp.inc -gen-dialect-defs -dialect=${ARGV1})
  mlir_tablegen(${dialect}Enums.h.inc -gen-enum-decls)
  mlir_tablegen(${dialect}Enums.cpp.inc -gen-enum-defs)
  mlir_tablegen(${dialect}Attrs.h.inc -gen-attrdef-decls -attrdefs-dialect=${ARGV1})
  mlir_tablegen(${dialect}Attrs.cpp.inc -gen-attrdef-defs -attrdefs-dialect=${ARGV1})
  add_public_tablegen_target(Cascade${dialect}IncGen)
  add_cascade_doc(${dialect} Dialects/${dialect} -gen-dialect-doc -dialect=${ARGV1})
endfunction()

# Passes.td of a folder: declarations plus generated pass documentation.
function(add_cascade_pass_tablegen prefix docname)
  set(LLVM_TARGET_DEFINITIONS Passes.td)
  mlir_tablegen(Passes.h.inc -gen-pass-decls -name ${prefix})
  add_public_tablegen_target(Cascade${prefix}PassIncGen)
  add_cascade_doc(Passes ${docname} -gen-pass-doc)
endfunction()

# Generates a markdown reference into <build>/docs and copies it into the
# source tree's docs/ folder, so the committed docs always match the code.
function(add_cascade_doc td_stem out_name)
  set(LLVM_TARGET_DEFINITIONS ${td_stem}.td)
  string(REPLACE "/" "_" target_suffix ${out_name})
  tablegen(MLIR ${target_suffix}.md ${ARGN})
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${target_suffix}.md)
  set(dst ${CMAKE_SOURCE_DIR}/docs/${out_name}.md)
  add_custom_command(OUTPUT ${dst}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${gen} ${dst}
    DEPENDS ${gen})
  add_custom_target(cascade-doc-${target_suffix} DEPENDS ${dst})
  add_dependencies(cascade-doc cascade-doc-${target_suffix})
endfunction()
