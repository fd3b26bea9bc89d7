# install.cmake: install rules, pkg-config file and the CMake package (xfer::xfer, xfer::xfer_static).
include(CMakePackageConfigHelpers)

install(FILES include/xfer/xfer.h include/xfer/export.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/xfer)
install(TARGETS xfer_shared xfer_static EXPORT xferTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set_target_properties(xfer_shared PROPERTIES EXPORT_NAME xfer)
set_target_properties(xfer_static PROPERTIES EXPORT_NAME xfer_static)
install(EXPORT xferTargets NAMESPACE xfer:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)

# What a C-only consumer's linker must add for libxfer.a's C++ code (stdc++;m with GCC):
# the C++ compiler's implicit libraries that the C compiler does not link by itself.
set(XFER_CXX_RUNTIME_LIBS ${CMAKE_CXX_IMPLICIT_LINK_LIBRARIES})
if(CMAKE_C_IMPLICIT_LINK_LIBRARIES)
  list(REMOVE_ITEM XFER_CXX_RUNTIME_LIBS ${CMAKE_C_IMPLICIT_LINK_LIBRARIES})
endif()
list(REMOVE_DUPLICATES XFER_CXX_RUNTIME_LIBS)
configure_package_config_file(cmake/xferConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/xferConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)
# 0.x: SOVERSION 0 and SameMajorVersion agree: any 0.y library satisfies a 0.x request.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/xferConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/xferConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/xferConfigVersion.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)

# xfer.pc is written at install time, so that `cmake --install --prefix P` (and DESTDIR
# staging, which keeps the final prefix) puts the real prefix in it, not the configure-time
# one. Everything but the prefix is filled in now; the prefix placeholder survives until then.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(XFER_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(XFER_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(XFER_PC_PREFIX "@XFER_PC_PREFIX@")
configure_file(pkgconfig/xfer.pc.in ${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/xfer.pc.in @ONLY)
install(CODE "set(XFER_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/xfer.pc.in\"
    \"${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/xfer.pc\" @ONLY)")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/xfer.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
