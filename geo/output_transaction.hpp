// All-or-nothing output sets. Every file of a set (a run's layers, maps and tables; the one file
// of `generate` or `export`) is written into a staging directory beside its target, then moved
// into place together once all of them exist; until then the target directory is untouched. A
// failure, an exception, or SIGINT/SIGTERM (abort_output_transactions(), called by the CLI's
// signal watcher) removes the staging directory: nothing of the new set is left and the old set
// is intact. A staging directory left by a killed run (SIGKILL, a power cut) is recognised by
// its released lock and removed, an interrupted commit rolled back, by the next transaction in
// the same place.
//
// The set is planned before any work: every name a writer may produce, so existing files,
// a target that is a file, or a directory that cannot be written are refused at once (the
// constructor), not after an hour of computing.
//
//   OutputTransaction out("out", {{"summary.md"}, {"coverage.gpkg"}}, {.overwrite = false});
//   write_text_file(out.staged("summary.md"), text, false);  // ... every planned file
//   std::vector<std::filesystem::path> written = out.commit();
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::geo {

struct PlannedFile {
  std::string name;    // a file name in the target directory (no directory part)
  bool always = true;  // false: a sidecar its writer adds only when needed (a .qml style)
};

struct TransactionOptions {
  bool overwrite = false;  // replace planned files that exist
  // End of the refusal "X: already exists; <hint> to replace it".
  std::string overwrite_hint = "ask for overwrite";
};

class OutputTransaction {
 public:
  // Before any work: removes staging directories of killed runs in `dir` (or, when `dir` does
  // not exist yet, in its nearest existing ancestor), then throws OutputError when `dir` or an
  // ancestor is a file, when a planned name exists (without overwrite) or is a directory, or
  // when nothing can be created there (read-only, /sys...); finally creates the staging
  // directory. Throws covsim::Error on a plan naming a file twice or with a directory part.
  OutputTransaction(std::filesystem::path dir, std::vector<PlannedFile> files,
                    TransactionOptions options);
  // Without a successful commit(), removes the staging directory and everything in it.
  ~OutputTransaction();
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // Where the writers write: staged(name) for each planned name.
  const std::filesystem::path& staging() const { return files_; }
  std::filesystem::path staged(std::string_view name) const;

  // Moves every staged file to `dir` (created if missing). Every staged file must be planned
  // and every `always` file staged: a writer that disagrees with the plan is a bug (covsim::
  // Error, nothing moved). With overwrite, planned files that were not staged are removed from
  // `dir` (a sidecar of an earlier version would describe other data). Old versions are kept
  // aside until every new file is in place, and put back on any failure (OutputError). Returns
  // the files written, sorted.
  std::vector<std::filesystem::path> commit();

 private:
  friend std::size_t abort_output_transactions() noexcept;
  void remove_staging() noexcept;
  std::vector<std::filesystem::path> commit_into_existing(const std::vector<std::string>& staged);
  std::vector<std::filesystem::path> commit_as_new(const std::vector<std::string>& staged);

  std::filesystem::path dir_;   // as given: written files are named dir_ / name
  std::filesystem::path home_;  // dir_, or "." when dir_ is empty
  std::vector<PlannedFile> planned_;
  std::set<std::string, std::less<>> names_;
  TransactionOptions options_;
  std::filesystem::path root_;   // the staging directory: lock, journal, files/, previous/
  std::filesystem::path files_;  // root_/files
  int lock_fd_ = -1;
  bool committed_ = false;
  bool aborted_ = false;
};

// Removes the staging directory of every transaction not committed (one committing finishes
// first), so a signal leaves no output of the interrupted run; returns how many it removed.
// Called by the CLI's signal watcher thread, never from a signal handler.
std::size_t abort_output_transactions() noexcept;

// The prefix of staging directory names, so tests and users can recognise them.
inline constexpr std::string_view kStagingPrefix = ".covsim-staging-";

}  // namespace covsim::geo
