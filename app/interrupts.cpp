#include "app/interrupts.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "geo/output_transaction.hpp"

namespace covsim::app {

void watch_interrupts() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A thread, not a signal handler: removing a directory tree is not async-signal-safe.
  std::thread([set] {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) return;
    const std::size_t discarded = geo::abort_output_transactions();
    const char* name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP";
    std::fflush(stdout);
    std::fprintf(stderr, "covsim: interrupted by %s%s\n", name,
                 discarded ? "; nothing was written, earlier outputs are as they were" : "");
    std::_Exit(128 + signal);
  }).detach();
}

}  // namespace covsim::app
