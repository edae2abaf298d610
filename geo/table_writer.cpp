#include "geo/table_writer.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {
constexpr std::string_view kRowEnd = "\r\n";  // RFC 4180

void write_cell(std::ostream& out, const FieldColumn& column, std::size_t row) {
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          char buffer[24];  // not operator<<: the stream's locale could group digits
          out.write(buffer,
                    std::to_chars(buffer, buffer + sizeof buffer, values[row]).ptr - buffer);
        } else if constexpr (std::is_same_v<T, double>) {
          out << format_real(rounded(values[row], decimals_of(column)));
        } else if constexpr (std::is_same_v<T, std::string>) {
          out << csv_field(values[row]);
        } else {
          out << (values[row] ? "true" : "false");
        }
      },
      column.values);
}
}  // namespace

std::string csv_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string format_real(double value) {
  if (std::isnan(value)) return {};
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

nlohmann::json table_json(std::string_view name, std::span<const FieldColumn> columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const FieldColumn& c : columns) {
    nlohmann::json values = nlohmann::json::array();
    std::visit(
        [&](const auto& vs) {
          using T = typename std::decay_t<decltype(vs)>::value_type;
          const int decimals = decimals_of(c);
          for (const auto& v : vs) {
            if constexpr (std::is_same_v<T, double>) {
              if (std::isfinite(v))
                values.push_back(rounded(v, decimals));
              else
                values.push_back(nullptr);
            } else {
              values.push_back(static_cast<T>(v));
            }
          }
        },
        c.values);
    out.push_back({{"name", c.name},
                   {"type", to_string(c.kind())},
                   {"unit", c.unit},
                   {"description", c.description},
                   {"values", std::move(values)}});
  }
  const std::size_t rows = columns.empty() ? 0 : columns.front().size();
  return {{"name", name}, {"rows", rows}, {"columns", std::move(out)}};
}

void write_csv(std::ostream& out, std::span<const FieldColumn> columns) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) out << ',';
    out << csv_field(columns[c].name);
  }
  out << kRowEnd;
  const std::size_t rows = columns.empty() ? 0 : columns.front().size();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out << ',';
      write_cell(out, columns[c], r);
    }
    out << kRowEnd;
  }
}

void write_csv(const std::filesystem::path& path, std::span<const FieldColumn> columns,
               const CsvOptions& options) {
  if (columns.empty()) throw InputError(path.string(), "", "a table needs at least one column");
  check_columns(columns, columns.front().size(), path.string());
  detail::write_atomically(path, options.overwrite, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (options.utf8_bom) out << "\xEF\xBB\xBF";
    write_csv(out, columns);
    out.flush();
    if (!out) throw OutputError(path.string() + ": write failed (disk full or I/O error)");
  });
}

}  // namespace covsim::geo
