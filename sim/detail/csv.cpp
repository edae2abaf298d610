#include "sim/detail/csv.hpp"

#include "geo/error.hpp"

namespace covsim::sim::detail {

std::optional<CsvRecord> CsvReader::next() {
  std::string line;
  while (true) {
    if (!std::getline(in_, line)) return std::nullopt;
    ++line_;
    if (line_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) break;
  }
  CsvRecord rec;
  rec.line = line_;
  std::string field;
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // this field had a closing quote: only a separator may follow
  std::size_t i = 0;
  while (true) {
    if (i == line.size()) {
      if (!quoted) break;
      // A quoted field spans lines: keep the line break, read on.
      if (!std::getline(in_, line))
        throw InputError(file_, "line " + std::to_string(rec.line),
                         "a quoted field is never closed");
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      field += '\n';
      i = 0;
      continue;
    }
    const char c = line[i++];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i < line.size() && line[i] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
        was_quoted = true;
      }
    } else if (c == ',') {
      rec.fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (was_quoted) {
      throw InputError(
          file_, "line " + std::to_string(line_),
          "text after the closing quote of field " + std::to_string(rec.fields.size() + 1));
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else {
      field += c;
    }
  }
  rec.fields.push_back(std::move(field));
  return rec;
}

}  // namespace covsim::sim::detail
