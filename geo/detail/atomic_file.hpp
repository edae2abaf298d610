// All-or-nothing file output for every covsim writer (rendered maps, GDAL layers, CSV tables):
// the writer fills a temporary file in the target's directory and commit() moves it into place
// in one rename, so a reader never sees a half-written file and a failed run leaves nothing.
//
//   detail::AtomicFile out("coverage.csv", /*overwrite=*/false);  // throws if it exists
//   write_csv(out.temp_path());  out.commit();                     // or: throw, temp removed
#pragma once

#include <filesystem>

namespace covsim::geo::detail {

class AtomicFile {
 public:
  // Creates an empty temporary file next to `target` (hidden name, same extension, so drivers
  // that infer the format from the name still work). Throws OutputError, before any work is
  // done, when `target` exists and `overwrite` is false, when it is a directory, or when its
  // directory is missing or not writable. A writer that must create the file itself (some GDAL
  // drivers refuse an existing one) may remove temp_path() first and write it anew.
  AtomicFile(std::filesystem::path target, bool overwrite);
  // Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp_path() const { return temp_; }

  // Flushes the temporary file to disk and moves it to target(). Without `overwrite`, a target
  // that appeared meanwhile is not replaced (OutputError). Throws OutputError on any failure.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool overwrite_;
  bool committed_ = false;
};

// Runs write(temp_path) and commits; on exception the temporary file is removed.
template <class Write>
void write_atomically(const std::filesystem::path& target, bool overwrite, Write&& write) {
  AtomicFile file(target, overwrite);
  write(file.temp_path());
  file.commit();
}

}  // namespace covsim::geo::detail
