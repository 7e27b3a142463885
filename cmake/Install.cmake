# Install.cmake -- `cmake --install` and `cpack -G DEB` (docs/deployment.md).
#
#   <prefix>/bin/handsup
#   <prefix>/share/handsup/{web,presenter,slides}   found by the binary (cli_asset_dir)
#   <prefix>/share/man/man1/handsup.1.gz            written by hand: docs/handsup.1
#   <prefix>/share/doc/handsup/                     deployment guide, nginx and Caddy examples
#   /lib/systemd/system/handsup.service             the sandboxed unit
#   /etc/handsup/handsup.conf                       its options (a conffile)
#
# The unit and the configuration go to absolute paths only when the prefix is
# /usr (a package); with any other prefix they land under it.
include(GNUInstallDirs)

install(TARGETS handsup RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY web presenter admin slides DESTINATION ${CMAKE_INSTALL_DATADIR}/handsup)

# Debian wants man pages compressed, and reproducibly (-n: no name or time).
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/handsup.1.gz
  COMMAND gzip -9n -c ${CMAKE_SOURCE_DIR}/docs/handsup.1 > ${CMAKE_BINARY_DIR}/handsup.1.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/handsup.1 VERBATIM)
add_custom_target(handsup_man ALL DEPENDS ${CMAKE_BINARY_DIR}/handsup.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/handsup.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES docs/deployment.md deploy/caddy/Caddyfile DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES deploy/nginx/handsup.conf DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME nginx-handsup.conf)

# Decided when installing, not when configuring: `cpack` installs the same
# build with the prefix /usr, `cmake --install --prefix DIR` with another.
install(CODE "set(HANDSUP_SOURCE \"${CMAKE_SOURCE_DIR}\")")
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(handsup_root "")
  else()
    set(handsup_root "${CMAKE_INSTALL_PREFIX}")
  endif()
  file(INSTALL "${HANDSUP_SOURCE}/deploy/systemd/handsup.service"
       DESTINATION "${handsup_root}/lib/systemd/system")
  file(INSTALL "${HANDSUP_SOURCE}/deploy/handsup.conf" DESTINATION "${handsup_root}/etc/handsup")
]])

# --- the .deb ---
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME handsup)
set(CPACK_PACKAGE_VENDOR "handsup")
set(CPACK_PACKAGE_CONTACT "handsup maintainers <handsup@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "self-hosted audience voting for workshops and talks")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "handsup serves Markdown decks with yes/no polls and discussion prompts;\n"
  "people in the room join from their phones with a code or a QR code and vote,\n"
  "the projector shows live tallies, and results export to CSV, JSON and HTML.")
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Library dependencies computed from the binary by dpkg-shlibdeps; the libev
# event loop plugin of libwebsockets is loaded at run time, so no tool can
# see it: it is named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libwebsockets-evlib-ev")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/deploy/debian/conffiles
  ${CMAKE_SOURCE_DIR}/deploy/debian/postinst
  ${CMAKE_SOURCE_DIR}/deploy/debian/prerm
  ${CMAKE_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
