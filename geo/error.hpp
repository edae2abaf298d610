// Errors raised at I/O boundaries. One small hierarchy: the CLI catches covsim::Error and prints
// what() as the single message for the user, then exits non-zero.
//
//   throw InputError("communes.geojson", "feature 12", "geometry is not a polygon");
//   // what(): "communes.geojson: feature 12: geometry is not a polygon"
#pragma once

#include <stdexcept>
#include <string>

namespace covsim {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: names the file, where in it (feature, line, key) and what is wrong.
class InputError : public Error {
 public:
  InputError(std::string file, std::string where, std::string problem)
      : Error(compose(file, where, problem)),
        file_(std::move(file)),
        where_(std::move(where)),
        problem_(std::move(problem)) {}

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& problem() const { return problem_; }

 private:
  static std::string compose(const std::string& file, const std::string& where,
                             const std::string& problem) {
    std::string s = file;
    if (!where.empty()) s += (s.empty() ? "" : ": ") + where;
    s += (s.empty() ? "" : ": ") + problem;
    return s;
  }
  std::string file_, where_, problem_;
};

// An output that could not be written (path not writable, exists and overwrite not asked...).
class OutputError : public Error {
 public:
  using Error::Error;
};

}  // namespace covsim
