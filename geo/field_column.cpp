#include "geo/field_column.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "geo/error.hpp"

namespace covsim::geo {

namespace {
FieldColumn make(std::string name, FieldColumn::Values values, std::string description,
                 std::string unit) {
  return FieldColumn{std::move(name), std::move(values), std::move(description), std::move(unit),
                     kDecimalsOfUnit};
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is malformed (overlong
// forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned min_second = 0x80, max_second = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) min_second = 0xA0;
    if (c == 0xED) max_second = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) min_second = 0x90;
    if (c == 0xF4) max_second = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}
}  // namespace

std::string_view to_string(FieldKind kind) {
  switch (kind) {
    case FieldKind::integer:
      return "integer";
    case FieldKind::real:
      return "real";
    case FieldKind::text:
      return "text";
    case FieldKind::boolean:
      return "boolean";
  }
  return "unknown";
}

int decimals_of(const FieldColumn& c) {
  if (c.decimals == kExact) return -1;
  if (c.decimals >= 0) return c.decimals;
  const std::string_view u = c.unit;
  if (u == "min") return 1;
  if (u == "inhabitants") return 0;
  if (u.starts_with("h/") || u.starts_with("days") || u == "weeks" || u == "sessions" || u == "km²")
    return 2;
  return 3;
}

double rounded(double value, int decimals) {
  if (decimals < 0 || !std::isfinite(value)) return value;
  const double scale = std::pow(10.0, decimals);
  // + 0.0 turns the -0 of a small negative value into 0.
  return std::round(value * scale) / scale + 0.0;
}

std::size_t FieldColumn::size() const {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

FieldColumn FieldColumn::integer(std::string name, std::vector<std::int64_t> values,
                                 std::string description, std::string unit) {
  return make(std::move(name), std::move(values), std::move(description), std::move(unit));
}
FieldColumn FieldColumn::real(std::string name, std::vector<double> values, std::string description,
                              std::string unit) {
  return make(std::move(name), std::move(values), std::move(description), std::move(unit));
}
FieldColumn FieldColumn::text(std::string name, std::vector<std::string> values,
                              std::string description, std::string unit) {
  return make(std::move(name), std::move(values), std::move(description), std::move(unit));
}
FieldColumn FieldColumn::boolean(std::string name, std::vector<bool> values,
                                 std::string description, std::string unit) {
  return make(std::move(name), std::move(values), std::move(description), std::move(unit));
}

void check_columns(std::span<const FieldColumn> columns, std::size_t rows, const std::string& file,
                   const std::string& where) {
  std::unordered_map<std::string, std::string> seen;  // lower-case name -> name as given
  for (const FieldColumn& c : columns) {
    const std::string at = where + "column '" + c.name + "'";
    if (c.name.empty()) throw InputError(file, where + "column", "has an empty name");
    if (!valid_utf8(c.name)) throw InputError(file, at, "name is not valid UTF-8");
    const auto [it, fresh] = seen.emplace(lower_ascii(c.name), c.name);
    if (!fresh)
      throw InputError(file, at,
                       "duplicates column '" + it->second + "' (names are compared without case)");
    if (c.size() != rows)
      throw InputError(
          file, at,
          "has " + std::to_string(c.size()) + " values for " + std::to_string(rows) + " rows");
    if (const auto* text = std::get_if<std::vector<std::string>>(&c.values)) {
      for (std::size_t r = 0; r < text->size(); ++r)
        if (!valid_utf8((*text)[r]))
          throw InputError(file, at + ", row " + std::to_string(r), "value is not valid UTF-8");
    }
  }
}

}  // namespace covsim::geo
