#include "app/terminal_progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace covsim::app {

namespace {
constexpr long long kRedrawNs = 100'000'000;  // 10 redraws a second are enough for a human

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

bool TerminalProgress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void TerminalProgress::start(std::string_view what, std::size_t total) {
  what_ = what;
  total_ = total;
  done_ = 0;
  next_draw_ns_ = 0;
  started_ = std::chrono::steady_clock::now();
  if (enabled_) draw(0, false);
}

void TerminalProgress::advance(std::size_t n) {
  const std::size_t done = done_.fetch_add(n) + n;
  if (!enabled_) return;
  const long long now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
  long long due = next_draw_ns_.load();
  // Only the thread that wins the slot draws; the others go back to work at once.
  if (now >= due && next_draw_ns_.compare_exchange_strong(due, now + kRedrawNs)) draw(done, false);
}

void TerminalProgress::finish() {
  if (enabled_) draw(done_.load(), true);
}

void TerminalProgress::draw(std::size_t done, bool final) {
  std::lock_guard lock(draw_mutex_);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double fraction = total_ ? std::min(1.0, static_cast<double>(done) / total_) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::string eta = "--:--";
  if (final)
    eta = "done in " + clock_text(elapsed);
  else if (done > 0 && total_ > done)
    eta = "ETA " + clock_text(elapsed / done * (total_ - done));
  std::fprintf(out_, "\r\033[K%-24s [%s] %zu/%zu %3.0f%%  %s", what_.c_str(), bar.c_str(), done,
               total_, fraction * 100, eta.c_str());
  if (final) std::fputc('\n', out_);
  std::fflush(out_);
}

}  // namespace covsim::app
