// Minimal RFC 4180 CSV reader that tracks line numbers for error messages. Internal to sim/
// (the posts file); writing CSV is geo::write_csv's job.
//
//   CsvReader in(stream);
//   while (auto rec = in.next()) use(rec->fields, rec->line);
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
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

}  // namespace covsim::sim::detail
