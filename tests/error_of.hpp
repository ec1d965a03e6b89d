#pragma once
// The message of the dorefa::Error a call throws ("" when it throws none): what tests of
// bad input compare against.
#include <functional>
#include <string>

#include "util/error.hpp"

namespace dorefa::test_support {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace dorefa::test_support
