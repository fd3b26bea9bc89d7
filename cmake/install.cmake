# install.cmake: install rules, pkg-config file and the CMake package (xfer::xfer, xfer::xfer_static).
include(CMakePackageConfigHelpers)

install(FILES include/xfer/xfer.h include/xfer/export.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/xfer)
install(TARGETS xfer_shared xfer_static EXPORT xferTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set_target_properties(xfer_shared PROPERTIES EXPORT_NAME xfer)
set_target_properties(xfer_static PROPERTIES EXPORT_NAME xfer_static)
install(EXPORT xferTargets NAMESPACE xfer:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)

configure_package_config_file(cmake/xferConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/xferConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/xferConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/xferConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/xferConfigVersion.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xfer)

configure_file(pkgconfig/xfer.pc.in ${CMAKE_CURRENT_BINARY_DIR}/xfer.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/xfer.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
