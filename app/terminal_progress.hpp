// Progress for the command line: a one-line bar with counts, rate and ETA redrawn on stderr when
// it is a terminal, and nothing at all when it is piped or redirected (logs stay clean).
//
//   TerminalProgress progress(TerminalProgress::stderr_is_terminal());
//   progress.start("travel tables", n); ... progress.advance(); ... progress.finish();
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "geo/progress.hpp"

namespace covsim::app {

class TerminalProgress final : public Progress {
 public:
  explicit TerminalProgress(bool enabled, std::FILE* out = stderr) : enabled_(enabled), out_(out) {}
  static bool stderr_is_terminal();

  void start(std::string_view what, std::size_t total) override;
  void advance(std::size_t n) override;
  void finish() override;

 private:
  void draw(std::size_t done, bool final);

  bool enabled_;
  std::FILE* out_;
  std::string what_;
  std::size_t total_ = 0;
  std::atomic<std::size_t> done_{0};
  std::atomic<long long> next_draw_ns_{0};
  std::chrono::steady_clock::time_point started_;
  std::mutex draw_mutex_;
};

}  // namespace covsim::app
