// SIGINT, SIGTERM and SIGHUP as the CLI handles them: a watcher thread receives them (every
// other thread has them blocked), discards the outputs of the interrupted run
// (geo::abort_output_transactions: the staging directory goes, the previous outputs stay as
// they were), says so on stderr and ends the process with 128 + the signal's number (130 for
// Ctrl-C, 143 for SIGTERM), as shells do.
//
//   int main(int argc, char** argv) { covsim::app::watch_interrupts();  ... }
#pragma once

namespace covsim::app {

// Call first in main(), before any other thread exists: threads started later inherit the
// blocked signals, so only the watcher receives them.
void watch_interrupts();

}  // namespace covsim::app
