#include "app/yaml_section.hpp"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "geo/error.hpp"
#include "geo/text_input.hpp"
#include "geo/utf8.hpp"

namespace covsim::app {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string location(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return file;
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// Parses a YAML scalar as a number, accepting YAML's .inf/.nan spellings so they can be
// rejected by name rather than as "not a number".
std::optional<double> parse_number(const std::string& s) {
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::nan("");
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  return v;
}

void check_keys(const YAML::Node& node, const std::string& file, const std::string& key_path,
                std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    if (std::find(names.begin(), names.end(), k) != names.end()) continue;
    std::string msg = "unknown key '" + k + "'";
    if (auto s = did_you_mean(k, names))
      msg += " (did you mean '" + *s + "'?)";
    else
      msg += " (allowed: " + join(names) + ")";
    throw InputError(location(file, kv.first.Mark()), key_path.empty() ? k : key_path + "." + k,
                     msg);
  }
}

// A scenario nests a handful of levels (renewal.rules[0].host_types is four); far deeper is
// not a scenario, and yaml-cpp's own limit (about 2,000) reports only "bad file".
constexpr int kMaxDepth = 32;

// Refuses what the parser accepts silently (a repeated key: the first value wins) and records
// where every value is.
void check_tree(const YAML::Node& node, const std::string& file, const std::string& path, int depth,
                KeyLocations* locations) {
  if (depth > kMaxDepth)
    throw InputError(
        location(file, node.Mark()), path,
        "nested more than " + std::to_string(kMaxDepth) + " levels deep: not a scenario");
  if (locations && !path.empty()) locations->add(path, location(file, node.Mark()));
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      check_tree(node[i], file, path + "[" + std::to_string(i) + "]", depth + 1, locations);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar())
      throw InputError(location(file, kv.first.Mark()), path,
                       "a key must be a plain name, not a list or a mapping");
    const std::string& key = kv.first.Scalar();
    const std::string child = path.empty() ? key : path + "." + key;
    const auto [it, added] = seen.emplace(key, kv.first.Mark());
    if (!added)
      throw InputError(location(file, kv.first.Mark()), child,
                       "is given twice in the same mapping (first at line " +
                           std::to_string(it->second.line + 1) + "); keep one");
    check_tree(kv.second, file, child, depth + 1, locations);
  }
}

}  // namespace

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

YamlSection::YamlSection(YAML::Node node, std::string file, std::filesystem::path base_dir,
                         std::string key, std::initializer_list<std::string_view> allowed)
    : node_(std::move(node)),
      file_(std::move(file)),
      base_dir_(std::move(base_dir)),
      key_(std::move(key)) {
  if (node_.IsNull()) node_ = YAML::Node(YAML::NodeType::Map);
  if (!node_.IsMap())
    throw InputError(location(file_, node_.Mark()), key_.empty() ? "document" : key_,
                     "expected a mapping of keys to values");
  check_keys(node_, file_, key_, allowed);
}

YamlSection YamlSection::load_string(const std::string& text, const std::string& name,
                                     const std::filesystem::path& base_dir,
                                     std::initializer_list<std::string_view> allowed,
                                     KeyLocations* locations) {
  // Before parsing: yaml-cpp passes any byte through, so a Latin-1 name would surface only in
  // an output writer's error, naming the output.
  if (const auto bad = geo::invalid_utf8(text))
    throw InputError(name + ":" + std::to_string(bad->line) + ":" + std::to_string(bad->column), "",
                     bad->problem());
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(location(name, e.mark), "",
                     "malformed YAML: lists or mappings nested too deeply for a scenario");
  } catch (const YAML::ParserException& e) {
    throw InputError(location(name, e.mark), "", "malformed YAML: " + e.msg);
  }
  if (locations) *locations = KeyLocations(name);
  check_tree(root, name, "", 0, locations);
  return YamlSection(root, name, base_dir, "", allowed);
}

std::string read_text_file(const std::filesystem::path& path, const std::string& what,
                           std::uintmax_t max_bytes, bool utf8) {
  return geo::read_text_input(path, what, max_bytes, utf8);
}

std::string YamlSection::where(std::string_view key) const {
  YAML::Mark mark = node_.Mark();
  if (!key.empty()) {
    for (const auto& kv : node_)
      if (kv.first.Scalar() == key) mark = kv.second.Mark();
  }
  return location(file_, mark);
}

void YamlSection::fail(std::string_view key, const std::string& problem) const {
  std::string k = key_;
  if (!key.empty()) k += (k.empty() ? "" : ".") + std::string(key);
  throw InputError(where(key), k, problem);
}

bool YamlSection::has(std::string_view key) const {
  const YAML::Node v = node_[std::string(key)];
  return v.IsDefined() && !v.IsNull();
}

YAML::Node YamlSection::value(std::string_view key) const { return node_[std::string(key)]; }

std::string YamlSection::scalar(std::string_view key, const YAML::Node& v) const {
  if (!v.IsScalar()) fail(key, "expected a single value, not a list or mapping");
  return v.Scalar();
}

std::optional<YamlSection> YamlSection::section(
    std::string_view key, std::initializer_list<std::string_view> allowed) const {
  if (!has(key)) return std::nullopt;
  const std::string k = key_.empty() ? std::string(key) : key_ + "." + std::string(key);
  return YamlSection(value(key), file_, base_dir_, k, allowed);
}

std::vector<YamlSection> YamlSection::list(std::string_view key,
                                           std::initializer_list<std::string_view> allowed) const {
  std::vector<YamlSection> out;
  if (!has(key)) return out;
  const YAML::Node v = value(key);
  if (!v.IsSequence()) fail(key, "expected a list");
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string k = (key_.empty() ? std::string(key) : key_ + "." + std::string(key)) + "[" +
                          std::to_string(i) + "]";
    out.emplace_back(v[i], file_, base_dir_, k, allowed);
  }
  return out;
}

std::optional<std::string> YamlSection::text(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return scalar(key, value(key));
}

std::string YamlSection::text(std::string_view key, std::string fallback) const {
  return text(key).value_or(std::move(fallback));
}

std::string YamlSection::required_text(std::string_view key) const {
  if (!has(key)) fail(key, "is required");
  return *text(key);
}

std::string YamlSection::choice(std::string_view key, std::string fallback,
                                std::initializer_list<std::string_view> choices) const {
  const std::string v = text(key, std::move(fallback));
  std::vector<std::string> names(choices.begin(), choices.end());
  if (std::find(names.begin(), names.end(), v) != names.end()) return v;
  std::string msg = "'" + v + "' is not one of: " + join(names);
  if (auto s = did_you_mean(v, names)) msg += " (did you mean '" + *s + "'?)";
  fail(key, msg);
}

std::optional<double> YamlSection::number(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  const std::string s = scalar(key, value(key));
  auto v = parse_number(s);
  if (!v) fail(key, "expected a number, got '" + s + "'");
  return v;
}

double YamlSection::number(std::string_view key, double fallback) const {
  return number(key).value_or(fallback);
}

double YamlSection::positive(std::string_view key, double fallback) const {
  const double v = number(key, fallback);
  if (!std::isfinite(v) || v <= 0) fail(key, "must be a finite number greater than 0");
  return v;
}

double YamlSection::non_negative(std::string_view key, double fallback) const {
  const double v = number(key, fallback);
  if (!std::isfinite(v) || v < 0) fail(key, "must be a finite number, 0 or more");
  return v;
}

double YamlSection::in_range(std::string_view key, double fallback, double lo, double hi) const {
  const double v = number(key, fallback);
  if (!std::isfinite(v) || v < lo || v > hi) {
    std::ostringstream os;
    os << "must be between " << lo << " and " << hi;
    fail(key, os.str());
  }
  return v;
}

long long YamlSection::integer(std::string_view key, long long fallback, long long lo,
                               long long hi) const {
  const double v = number(key, static_cast<double>(fallback));
  if (!std::isfinite(v) || std::floor(v) != v || v < static_cast<double>(lo) ||
      v > static_cast<double>(hi))
    fail(key,
         "must be a whole number between " + std::to_string(lo) + " and " + std::to_string(hi));
  return static_cast<long long>(v);
}

bool YamlSection::flag(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  const std::string s = scalar(key, value(key));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(key, "expected true or false, got '" + s + "'");
}

std::vector<std::string> YamlSection::texts(std::string_view key) const {
  std::vector<std::string> out;
  if (!has(key)) return out;
  const YAML::Node v = value(key);
  if (v.IsScalar()) return {v.Scalar()};
  if (!v.IsSequence()) fail(key, "expected a value or a list of values");
  for (const auto& item : v) {
    if (!item.IsScalar()) fail(key, "every item of the list must be a single value");
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<double> YamlSection::numbers_in_range(std::string_view key, double lo,
                                                  double hi) const {
  std::vector<double> out;
  for (const std::string& s : texts(key)) {
    auto v = parse_number(s);
    if (!v) fail(key, "expected numbers, got '" + s + "'");
    if (!std::isfinite(*v) || *v < lo || *v > hi) {
      std::ostringstream os;
      os << "every value must be between " << lo << " and " << hi << ", got " << s;
      fail(key, os.str());
    }
    out.push_back(*v);
  }
  return out;
}

std::vector<double> YamlSection::positives(std::string_view key,
                                           std::vector<double> fallback) const {
  if (!has(key)) return fallback;
  std::vector<double> out;
  for (const std::string& s : texts(key)) {
    auto v = parse_number(s);
    if (!v) fail(key, "expected numbers, got '" + s + "'");
    if (!std::isfinite(*v) || *v <= 0) fail(key, "every value must be greater than 0, got " + s);
    out.push_back(*v);
  }
  if (out.empty()) fail(key, "must not be empty");
  return out;
}

std::optional<std::filesystem::path> YamlSection::path(std::string_view key) const {
  auto t = text(key);
  if (!t) return std::nullopt;
  if (t->empty()) fail(key, "path is empty");
  std::filesystem::path p(*t);
  return p.is_absolute() ? p : (base_dir_ / p).lexically_normal();
}

std::vector<std::filesystem::path> YamlSection::paths(std::string_view key) const {
  std::vector<std::filesystem::path> out;
  for (const std::string& t : texts(key)) {
    if (t.empty()) fail(key, "path is empty");
    std::filesystem::path p(t);
    out.push_back(p.is_absolute() ? p : (base_dir_ / p).lexically_normal());
  }
  return out;
}

std::vector<std::pair<std::string, double>> YamlSection::number_map(std::string_view key) const {
  std::vector<std::pair<std::string, double>> out;
  if (!has(key)) return out;
  const YAML::Node v = value(key);
  if (!v.IsMap()) fail(key, "expected a mapping of names to numbers");
  for (const auto& kv : v) {
    const std::string name = kv.first.Scalar();
    if (!kv.second.IsScalar()) fail(key, "value of '" + name + "' must be a number");
    auto n = parse_number(kv.second.Scalar());
    if (!n || !std::isfinite(*n))
      fail(key,
           "value of '" + name + "' must be a finite number, got '" + kv.second.Scalar() + "'");
    out.emplace_back(name, *n);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> YamlSection::text_map(std::string_view key) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!has(key)) return out;
  const YAML::Node v = value(key);
  if (!v.IsMap()) fail(key, "expected a mapping of names to values");
  for (const auto& kv : v) {
    if (!kv.second.IsScalar())
      fail(key, "value of '" + kv.first.Scalar() + "' must be a single value");
    out.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
  return out;
}

}  // namespace covsim::app
