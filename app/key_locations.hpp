// Where every value of a scenario file is, so that checks made after reading it (against the
// loaded territory or the posts) still point at the line and column of the value at fault.
//
//   KeyLocations where = ...;  // filled by YamlSection::load_string
//   throw InputError(where("renewal.absorb.group_key"), "renewal.absorb.group_key", "...");
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace covsim::app {

// "file:line:column" of every value by dotted key path, list entries indexed as YamlSection
// names them ("renewal.protected_hours[0].post").
class KeyLocations {
 public:
  KeyLocations() = default;
  explicit KeyLocations(std::string file) : file_(std::move(file)) {}
  // The location of `path`, else of its nearest enclosing key, else the file's name.
  std::string operator()(std::string_view path) const;
  void add(std::string path, std::string location) { at_[std::move(path)] = std::move(location); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::map<std::string, std::string, std::less<>> at_;
};

}  // namespace covsim::app
