#include "geo/detail/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {
[[noreturn]] void fail(const std::filesystem::path& target, const std::string& problem) {
  throw OutputError(target.string() + ": " + problem);
}

std::string errno_text(int error) { return std::strerror(error); }

void flush_to_disk(const std::filesystem::path& path) {
  // Without it a crash soon after the rename can leave an empty file under the final name.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // the rename below reports the real problem, if any
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target, bool overwrite)
    : target_(std::move(target)), overwrite_(overwrite) {
  std::error_code ec;
  const auto status = std::filesystem::status(target_, ec);
  if (std::filesystem::is_directory(status)) fail(target_, "is a directory");
  if (std::filesystem::exists(status) && !overwrite_)
    fail(target_, "already exists (refusing to overwrite it; ask for overwrite to replace it)");
  std::filesystem::path directory = target_.parent_path();
  if (directory.empty()) directory = ".";
  if (!std::filesystem::is_directory(directory, ec))
    fail(target_, "directory " + directory.string() + " does not exist");

  std::random_device entropy;
  for (int attempt = 0;; ++attempt) {
    const unsigned long long tag = (static_cast<unsigned long long>(entropy()) << 32) ^ entropy() ^
                                   static_cast<unsigned>(::getpid());
    char hex[24];
    std::snprintf(hex, sizeof hex, "%012llx", tag & 0xffffffffffffULL);
    temp_ = directory /
            ("." + target_.stem().string() + "." + hex + ".tmp" + target_.extension().string());
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    const int error = errno;
    if (error != EEXIST || attempt == 16) {
      temp_.clear();
      fail(target_, "cannot write in " + directory.string() + ": " + errno_text(error));
    }
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFile::commit() {
  if (committed_) return;
  flush_to_disk(temp_);
  if (!overwrite_) {
    // link() fails if the target exists: an atomic "rename unless present".
    if (::link(temp_.c_str(), target_.c_str()) == 0) {
      ::unlink(temp_.c_str());
      committed_ = true;
      return;
    }
    const int error = errno;
    if (error == EEXIST) fail(target_, "appeared while it was being written; left untouched");
    // File systems without hard links: check, then rename (a small window, no better there).
    if (error != EPERM && error != EOPNOTSUPP && error != EMLINK && error != ENOSYS)
      fail(target_, "cannot be created: " + errno_text(error));
    if (std::filesystem::exists(target_))
      fail(target_, "appeared while it was being written; left untouched");
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0)
    fail(target_, "cannot be replaced: " + errno_text(errno));
  committed_ = true;
}

}  // namespace covsim::geo::detail
