# `cmake --install`: the tools, the static libraries as the CascadeTargets
# export set (Cascade::<library>), their headers (sources and generated .inc
# files) under <prefix>/include/cascade, and CascadeConfig.cmake so that
# another project finds them with `find_package(Cascade)`.

include(CMakePackageConfigHelpers)

# Headers, from the source tree and the generated ones from the build tree.
install(DIRECTORY include/cascade DESTINATION ${CASCADE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "CMakeLists.txt" EXCLUDE)
install(DIRECTORY include/cascade-c DESTINATION ${CASCADE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_BINARY_DIR}/include/cascade
  DESTINATION ${CASCADE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)
install(DIRECTORY dialects DESTINATION ${CASCADE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${CMAKE_BINARY_DIR}/dialects
  DESTINATION ${CASCADE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)

# Cascade::Cascade: every library, for consumers that want all of it.
get_property(cascade_libraries GLOBAL PROPERTY CASCADE_LIBRARIES)
add_library(CascadeAll INTERFACE)
set_target_properties(CascadeAll PROPERTIES EXPORT_NAME Cascade)
target_link_libraries(CascadeAll INTERFACE ${cascade_libraries})
install(TARGETS CascadeAll EXPORT CascadeTargets)

# The tools find libMLIR/libLLVM and libomp where this build found them.
foreach(tool cascadec cascade-opt cascade-run cascade-bench)
  if(TARGET ${tool})
    set_target_properties(${tool} PROPERTIES
      INSTALL_RPATH "${LLVM_LIBRARY_DIR};${CASCADE_LIBOMP_DIR}")
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# Every exported target, for CascadeConfig.cmake to give each the MLIR and
# LLVM include folders.
set(CASCADE_EXPORTED_TARGETS Cascade::Cascade Cascade::CascadeCAPI
  Cascade::CascadeMLIRCAPI)
foreach(library ${cascade_libraries})
  list(APPEND CASCADE_EXPORTED_TARGETS Cascade::${library})
endforeach()

install(EXPORT CascadeTargets NAMESPACE Cascade::
  DESTINATION ${CASCADE_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/CascadeConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/CascadeConfig.cmake
  INSTALL_DESTINATION ${CASCADE_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/CascadeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/CascadeConfig.cmake
  ${CMAKE_BINARY_DIR}/cmake/CascadeConfigVersion.cmake
  DESTINATION ${CASCADE_INSTALL_CMAKEDIR})
