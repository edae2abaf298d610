// Minimal RFC 4180 CSV: a record reader that tracks line numbers for error messages, and field
// quoting for writers. Internal to sim/ (posts in, result tables out).
//
//   CsvReader in(stream);
//   while (auto rec = in.next()) use(rec->fields, rec->line);
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::sim::detail {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // 1-based line where the record starts
};

class CsvReader {
 public:
  // `file` only names the input in errors (an unterminated quote).
  CsvReader(std::istream& in, std::string file) : in_(in), file_(std::move(file)) {}
  // Next record; nullopt at end of input. Blank lines are skipped. A leading UTF-8 BOM and
  // "\r\n" line ends are accepted. Throws InputError on a quote left open at end of input or
  // text after a closing quote.
  std::optional<CsvRecord> next();

 private:
  std::istream& in_;
  std::string file_;
  std::size_t line_ = 0;
};

// `text` quoted when it holds a comma, quote, CR or LF (quotes doubled), as is otherwise.
void append_csv_field(std::string& out, std::string_view text);

}  // namespace covsim::sim::detail
