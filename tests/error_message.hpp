// The message of the exception a call must throw, for tests that check what a user is told.
// Records a failure (and returns "") when nothing or another kind of exception is thrown.
//
//   EXPECT_NE(test::error_message<OutputError>([&] { write_csv(path, cols); }).find(path), npos);
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>

namespace covsim::test {

template <class E, class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected another kind of error, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected an error, nothing was thrown";
  return {};
}

}  // namespace covsim::test
