#pragma once
// The dorefa::Error a call throws, for tests that check its message and kind; a failure
// when it throws none. Shared by the board tests.
#include <gtest/gtest.h>

#include "util/error.hpp"

namespace dorefa::board {

template <class F>
Error expect_error(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a dorefa::Error";
  return Error("", "none");
}

}  // namespace dorefa::board
