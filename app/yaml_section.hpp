// A checked view of one YAML mapping of a scenario file: every key must be one the section
// declares (an unknown key is an error with a "did you mean" suggestion), and every typed read
// names the file, line, column and dotted key when the value is wrong.
//
//   YamlSection travel = root.section("travel", {"model", "cutoff_minutes", "adjacency"});
//   double cutoff = travel.positive("cutoff_minutes", 45.0);
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/key_locations.hpp"

namespace covsim::app {

// The whole file as text; InputError naming it when it cannot be opened, is not a regular file,
// exceeds `max_bytes` (geo/text_input.hpp) or, with `utf8`, is not UTF-8.
std::string read_text_file(const std::filesystem::path& path, const std::string& what,
                           std::uintmax_t max_bytes, bool utf8 = true);

// Closest candidate by edit distance when it is close enough to be a likely typo.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

class YamlSection {
 public:
  // Parses `text` read from `name`. An InputError with the line and column: malformed YAML,
  // text that is not UTF-8, a key given twice in one mapping (YAML forbids it; the parser would
  // keep the first silently), a key that is not a plain name, nesting deeper than a scenario
  // ever needs. `locations`, when given, receives where every value is.
  static YamlSection load_string(const std::string& text, const std::string& name,
                                 const std::filesystem::path& base_dir,
                                 std::initializer_list<std::string_view> allowed,
                                 KeyLocations* locations = nullptr);

  YamlSection(YAML::Node node, std::string file, std::filesystem::path base_dir, std::string key,
              std::initializer_list<std::string_view> allowed);

  bool has(std::string_view key) const;
  const std::string& key_path() const { return key_; }
  const std::string& file() const { return file_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  const YAML::Node& node() const { return node_; }
  // "file:line:col: key" for messages about this section or one of its keys.
  std::string where(std::string_view key = {}) const;

  std::optional<YamlSection> section(std::string_view key,
                                     std::initializer_list<std::string_view> allowed) const;
  // A sequence of mappings, each checked against `allowed`.
  std::vector<YamlSection> list(std::string_view key,
                                std::initializer_list<std::string_view> allowed) const;

  std::string text(std::string_view key, std::string fallback) const;
  std::optional<std::string> text(std::string_view key) const;
  std::string required_text(std::string_view key) const;
  // One of `choices`; otherwise an error listing them (and a suggestion).
  std::string choice(std::string_view key, std::string fallback,
                     std::initializer_list<std::string_view> choices) const;
  double number(std::string_view key, double fallback) const;
  std::optional<double> number(std::string_view key) const;
  // A finite number > 0.
  double positive(std::string_view key, double fallback) const;
  // A finite number >= 0.
  double non_negative(std::string_view key, double fallback) const;
  // A finite number in [lo, hi].
  double in_range(std::string_view key, double fallback, double lo, double hi) const;
  long long integer(std::string_view key, long long fallback, long long lo, long long hi) const;
  bool flag(std::string_view key, bool fallback) const;
  // A scalar or a list of scalars.
  std::vector<std::string> texts(std::string_view key) const;
  // A number or a list of numbers, each finite and in [lo, hi].
  std::vector<double> numbers_in_range(std::string_view key, double lo, double hi) const;
  std::vector<double> positives(std::string_view key, std::vector<double> fallback) const;
  // A path resolved against the scenario file's directory.
  std::optional<std::filesystem::path> path(std::string_view key) const;
  std::vector<std::filesystem::path> paths(std::string_view key) const;
  // Scalar keys of a mapping section with numeric values ("speeds: {primary: 80}").
  std::vector<std::pair<std::string, double>> number_map(std::string_view key) const;
  std::vector<std::pair<std::string, std::string>> text_map(std::string_view key) const;

  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;

 private:
  YAML::Node value(std::string_view key) const;
  std::string scalar(std::string_view key, const YAML::Node& v) const;

  YAML::Node node_;
  std::string file_;
  std::filesystem::path base_dir_;
  std::string key_;
};

}  // namespace covsim::app
