// Progress reporting is passed in, never global. Long loops call advance() from any thread;
// the CLI's implementation draws a bar with counts and ETA on a terminal and stays quiet when
// piped. NullProgress is the default for library calls and tests.
//
//   void build(..., Progress& progress = null_progress());
//   progress.start("travel tables", n); ... progress.advance(); ... progress.finish();
#pragma once

#include <cstddef>
#include <string_view>

namespace covsim {

class Progress {
 public:
  virtual ~Progress() = default;
  virtual void start(std::string_view what, std::size_t total) = 0;
  // Thread-safe.
  virtual void advance(std::size_t n = 1) = 0;
  virtual void finish() = 0;
};

class NullProgress final : public Progress {
 public:
  void start(std::string_view, std::size_t) override {}
  void advance(std::size_t) override {}
  void finish() override {}
};

inline Progress& null_progress() {
  static NullProgress p;  // stateless, so sharing it is harmless
  return p;
}

}  // namespace covsim
