#include "geo/output_transaction.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "geo/error.hpp"

namespace covsim::geo {

namespace fs = std::filesystem;

namespace {

// A staging directory is born under this name, gets its lock, then takes kStagingPrefix: every
// directory under the staging prefix has a lock file to test.
constexpr std::string_view kNewPrefix = ".covsim-new-";
constexpr const char* kLock = "lock";
constexpr const char* kJournal = "journal";
constexpr const char* kCommitted = "committed";
constexpr const char* kFiles = "files";
constexpr const char* kPrevious = "previous";

// Live transactions, for abort_output_transactions(). The one piece of process-wide state of
// covsim: a signal concerns the whole process. The mutex also serialises commits with aborts.
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::vector<OutputTransaction*>& registry() {
  static std::vector<OutputTransaction*> r;
  return r;
}

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void fail(const fs::path& p, const std::string& problem) {
  throw OutputError(p.string() + ": " + problem);
}

void fsync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // durability only: the renames themselves report failures
  ::fsync(fd);
  ::close(fd);
}

// `p` absolute and normalised, without a trailing separator ("/tmp/x/." is "/tmp/x").
fs::path absolute_dir(const fs::path& p) {
  fs::path a = fs::absolute(p).lexically_normal();
  if (!a.has_filename() && a.has_relative_path()) a = a.parent_path();
  return a;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Puts back what an interrupted commit (journal, no "committed" mark) had moved: old versions
// return from previous/, new files that had no old version leave `target`.
void roll_back_journal(const fs::path& root, const fs::path& target) {
  std::ifstream journal(root / kJournal);
  std::string line;
  while (std::getline(journal, line)) {
    if (line.size() < 3 || line[1] != ' ') continue;
    const bool existed = line[0] == '1';
    const std::string name = line.substr(2);
    std::error_code ec;
    const fs::path previous = root / kPrevious / name;
    if (fs::exists(previous, ec))
      fs::rename(previous, target / name, ec);
    else if (!existed && !fs::exists(root / kFiles / name, ec))
      fs::remove(target / name, ec);
  }
}

// Removes the staging directories in `dir` whose owner is gone: its lock can be taken (a
// process holding it, even one about to be killed, keeps it until it dies).
void remove_stale_staging(const fs::path& dir) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return;
  for (const fs::directory_entry& e : it) {
    const std::string name = e.path().filename().string();
    if (starts_with(name, kNewPrefix)) {
      // Killed between creation and lock: nothing but an empty lock file, and an hour is long
      // enough for the creator to have renamed it.
      const auto age = fs::file_time_type::clock::now() - fs::last_write_time(e.path(), ec);
      if (!ec && age > std::chrono::hours(1)) fs::remove_all(e.path(), ec);
      continue;
    }
    if (!starts_with(name, kStagingPrefix) || !e.is_directory(ec)) continue;
    const int fd = ::open((e.path() / kLock).c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);  // a live run's
      continue;
    }
    if (!fs::exists(e.path() / kCommitted, ec) && fs::exists(e.path() / kJournal, ec))
      roll_back_journal(e.path(), dir);
    fs::remove_all(e.path(), ec);
    if (fd >= 0) ::close(fd);
  }
}

// `dir` itself when it exists, else its nearest existing ancestor; OutputError when that is
// not a directory.
fs::path existing_base(const fs::path& dir) {
  fs::path p = absolute_dir(dir);
  std::error_code ec;
  while (!fs::exists(p, ec)) {
    if (!p.has_relative_path()) break;
    p = p.parent_path();
  }
  if (!fs::is_directory(p, ec))
    fail(dir,
         (p == absolute_dir(dir) ? std::string("is not a directory") : p.string() + " is a file") +
             ", so the outputs cannot go there");
  return p;
}

}  // namespace

OutputTransaction::OutputTransaction(fs::path dir, std::vector<PlannedFile> files,
                                     TransactionOptions options)
    : dir_(std::move(dir)), planned_(std::move(files)), options_(std::move(options)) {
  if (!dir_.empty() && !dir_.has_filename()) dir_ = dir_.parent_path();  // "out/" is "out"
  home_ = dir_.empty() ? fs::path(".") : dir_;  // "syn.shp" is written as named, in "."
  for (const PlannedFile& f : planned_) {
    if (f.name.empty() || f.name == "." || f.name == ".." || f.name.find('/') != std::string::npos)
      throw Error("output plan: '" + f.name + "' is not a plain file name");
    if (!names_.insert(f.name).second)
      throw Error("output plan: '" + f.name + "' is planned twice");
  }
  const fs::path base = existing_base(home_);
  remove_stale_staging(base);
  std::error_code ec;
  const bool dir_exists = fs::is_directory(home_, ec);
  if (dir_exists)
    for (const PlannedFile& f : planned_) {
      const fs::path target = dir_ / f.name;
      const auto status = fs::symlink_status(target, ec);
      if (!fs::exists(status)) continue;
      if (fs::is_directory(status)) fail(target, "is a directory");
      if (!options_.overwrite)
        fail(target, "already exists; " + options_.overwrite_hint + " to replace it");
    }

  // Under the registry's lock from the first directory on: a signal arriving meanwhile waits,
  // then finds the transaction registered and removes whatever exists of it.
  std::lock_guard lock(registry_mutex());
  std::string pattern = (base / (std::string(kNewPrefix) + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) {
    const int e = errno;
    fail(home_, (dir_exists ? std::string("cannot write in it: ")
                            : "cannot be created in " + base.string() + ": ") +
                    errno_text(e));
  }
  root_ = pattern;
  auto give_up = [&](const std::string& problem) {
    fs::remove_all(root_, ec);
    if (lock_fd_ >= 0) ::close(lock_fd_);
    fail(home_, problem);
  };
  lock_fd_ = ::open((root_ / kLock).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0)
    give_up("cannot lock a staging directory: " + errno_text(errno));
  const std::string suffix = root_.filename().string().substr(kNewPrefix.size());
  const fs::path staging = base / (std::string(kStagingPrefix) + suffix);
  fs::rename(root_, staging, ec);
  if (ec) give_up("cannot prepare a staging directory: " + ec.message());
  root_ = staging;
  files_ = root_ / kFiles;
  if (!fs::create_directory(files_, ec))
    give_up("cannot prepare a staging directory: " + ec.message());
  registry().push_back(this);
}

OutputTransaction::~OutputTransaction() {
  {
    std::lock_guard lock(registry_mutex());
    std::erase(registry(), this);
    if (!committed_ && !aborted_) remove_staging();
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void OutputTransaction::remove_staging() noexcept {
  std::error_code ec;
  // Renamed first: a writer still running on another thread then fails to create files in it
  // instead of racing the removal. The new name keeps the prefix, so a removal cut short by
  // the process's end is finished by the next run.
  fs::path doomed = root_;
  doomed += "-discarded";
  fs::rename(root_, doomed, ec);
  fs::remove_all(ec ? root_ : doomed, ec);
}

fs::path OutputTransaction::staged(std::string_view name) const {
  if (!names_.count(name))
    throw Error("output plan: '" + std::string(name) + "' is written but was not planned");
  return files_ / std::string(name);
}

std::vector<fs::path> OutputTransaction::commit() {
  std::lock_guard lock(registry_mutex());
  if (committed_) throw Error("output transaction: committed twice");
  if (aborted_) fail(home_, "the run was interrupted; nothing was written");
  std::vector<std::string> staged;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(files_, ec)) {
    const std::string name = e.path().filename().string();
    if (!names_.count(name) || e.is_directory(ec))
      throw Error("output plan: the writers made '" + name + "', which was not planned");
    staged.push_back(name);
  }
  if (ec) fail(files_, "cannot list the staged outputs: " + ec.message());
  std::sort(staged.begin(), staged.end());
  for (const PlannedFile& f : planned_)
    if (f.always && !std::binary_search(staged.begin(), staged.end(), f.name))
      throw Error("output plan: '" + f.name + "' was planned but not written");
  std::vector<fs::path> written =
      fs::is_directory(home_, ec) ? commit_into_existing(staged) : commit_as_new(staged);
  committed_ = true;
  remove_staging();
  return written;
}

// The target did not exist: the staged directory becomes it in one rename, so the whole set
// appears at once.
std::vector<fs::path> OutputTransaction::commit_as_new(const std::vector<std::string>& staged) {
  std::error_code ec;
  std::vector<fs::path> created;  // missing ancestors, removed again on failure
  for (fs::path p = absolute_dir(home_).parent_path(); !fs::exists(p, ec); p = p.parent_path())
    created.push_back(p);
  std::reverse(created.begin(), created.end());
  for (const fs::path& p : created)
    if (!fs::create_directory(p, ec) && ec) {
      for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ec);
      fail(home_, "cannot be created: " + ec.message());
    }
  if (::rename(files_.c_str(), home_.c_str()) != 0) {
    const int e = errno;
    if ((e == EEXIST || e == ENOTEMPTY) && fs::is_directory(home_, ec))
      return commit_into_existing(staged);  // created by someone else meanwhile
    for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ec);
    fail(home_, "cannot be created: " + errno_text(e));
  }
  fsync_path(absolute_dir(home_).parent_path());
  std::vector<fs::path> written;
  for (const std::string& n : staged) written.push_back(dir_ / n);
  return written;
}

// The target exists: old versions go aside, new files in, one rename each; a journal written
// first lets the next run undo a commit that a SIGKILL cut short.
std::vector<fs::path> OutputTransaction::commit_into_existing(
    const std::vector<std::string>& staged) {
  std::error_code ec;
  if (root_.parent_path() != absolute_dir(home_)) {
    // Staged beside an ancestor because the target did not exist; someone created it since.
    fail(home_, "appeared while the outputs were being written; left untouched");
  }
  // Another covsim committing into the same directory waits: sets never interleave, the last
  // one in is whole. flock on the directory itself, so no lock file is left among the outputs.
  const int dir_fd = ::open(home_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) ::flock(dir_fd, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);  // closing releases the lock
    }
  } unlock{dir_fd};
  std::vector<std::pair<std::string, bool>> moves;  // name, an old version exists
  for (const PlannedFile& f : planned_) {
    const bool is_staged = std::binary_search(staged.begin(), staged.end(), f.name);
    const bool exists = fs::exists(fs::symlink_status(dir_ / f.name, ec));
    if (exists && !options_.overwrite)
      fail(dir_ / f.name, "appeared while the outputs were being written; left untouched");
    if (is_staged || exists) moves.emplace_back(f.name, exists);
  }
  {
    std::ofstream journal(root_ / kJournal, std::ios::trunc);
    for (const auto& [name, exists] : moves) journal << (exists ? '1' : '0') << ' ' << name << '\n';
    journal.close();
    if (!journal) fail(root_ / kJournal, "cannot be written (disk full?)");
  }
  fsync_path(root_ / kJournal);
  fsync_path(root_);
  fs::create_directory(root_ / kPrevious, ec);
  if (ec) fail(root_ / kPrevious, "cannot be created: " + ec.message());

  std::string error;
  for (const auto& [name, exists] : moves) {
    if (exists && ::rename((dir_ / name).c_str(), (root_ / kPrevious / name).c_str()) != 0) {
      error = (dir_ / name).string() + ": cannot be moved aside: " + errno_text(errno);
      break;
    }
    if (std::binary_search(staged.begin(), staged.end(), name) &&
        ::rename((files_ / name).c_str(), (dir_ / name).c_str()) != 0) {
      error = (dir_ / name).string() + ": cannot be moved into place: " + errno_text(errno);
      break;
    }
  }
  if (!error.empty()) {
    roll_back_journal(root_, dir_);
    throw OutputError(error + "; the previous outputs were put back");
  }
  fsync_path(home_);
  std::ofstream(root_ / kCommitted).close();
  std::vector<fs::path> written;
  for (const std::string& n : staged) written.push_back(dir_ / n);
  return written;
}

std::size_t abort_output_transactions() noexcept {
  std::lock_guard lock(registry_mutex());
  std::size_t aborted = 0;
  for (OutputTransaction* t : registry())
    if (!t->committed_ && !t->aborted_) {
      t->aborted_ = true;
      t->remove_staging();
      ++aborted;
    }
  return aborted;
}

}  // namespace covsim::geo
