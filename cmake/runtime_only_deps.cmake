# Dependencies of the runtime-only build (DOREFA_RUNTIME_ONLY, the ARM cross build), with
# no armhf packages installed: the header-only libraries come from the host's Debian
# packages (architecture-independent headers), GoogleTest is built from Debian's sources.
# A native runtime-only build finds the installed packages instead.

find_package(fmt QUIET)
find_package(nlohmann_json QUIET)
find_package(ZLIB QUIET)  # optional: without it dorefa_data reads only uncompressed IDX files

# Only the named folders of the host's /usr/include, so the cross compiler never sees the
# host's C library headers.
function(dorefa_host_headers dir)
  set(shim ${CMAKE_BINARY_DIR}/host-headers)
  if(NOT EXISTS /usr/include/${dir})
    message(FATAL_ERROR "/usr/include/${dir} not found: install its Debian -dev package (scripts/setup.sh does)")
  endif()
  file(MAKE_DIRECTORY ${shim})
  file(CREATE_LINK /usr/include/${dir} ${shim}/${dir} SYMBOLIC)
endfunction()

if(NOT TARGET fmt::fmt)
  dorefa_host_headers(fmt)  # libfmt-dev; header-only mode, so no armhf libfmt is needed
  add_library(fmt::fmt INTERFACE IMPORTED)
  target_include_directories(fmt::fmt SYSTEM INTERFACE ${CMAKE_BINARY_DIR}/host-headers)
  target_compile_definitions(fmt::fmt INTERFACE FMT_HEADER_ONLY=1)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  dorefa_host_headers(nlohmann)  # nlohmann-json3-dev
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${CMAKE_BINARY_DIR}/host-headers)
endif()

if(DOREFA_BUILD_TESTS)
  find_package(GTest QUIET)
  if(NOT TARGET GTest::gtest_main)
    # libgtest-dev ships the sources; build them for the target (no armhf package needed).
    set(DOREFA_GTEST_SOURCE /usr/src/googletest CACHE PATH "GoogleTest sources (Debian's libgtest-dev)")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(${DOREFA_GTEST_SOURCE} ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
    # GCC 12 -Wrestrict false positive inside libstdc++ as inlined into gtest-all.cc.
    target_compile_options(gtest PRIVATE -Wno-restrict)
    if(NOT TARGET GTest::gtest)
      add_library(GTest::gtest ALIAS gtest)
      add_library(GTest::gtest_main ALIAS gtest_main)
    endif()
  endif()
endif()
