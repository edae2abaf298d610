#include "geo/text_input.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "geo/error.hpp"
#include "geo/utf8.hpp"

namespace covsim::geo {

namespace {
std::string mebibytes(std::uintmax_t bytes) {
  std::ostringstream os;
  os << static_cast<double>(bytes) / (1u << 20) << " MiB";
  return os.str();
}
}  // namespace

std::string read_text_input(const std::filesystem::path& path, const std::string& what,
                            std::uintmax_t max_bytes, bool utf8) {
  const std::string file = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(file, "", "cannot open the " + what);
  // Checked before opening: reading /dev/zero or a FIFO would never end.
  if (!std::filesystem::is_regular_file(status))
    throw InputError(file, "",
                     "the " + what + " is not a regular file (a directory, a device or a pipe)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open the " + what);
  // Read in blocks and stop past the bound: a file growing while it is read is still caught.
  std::string text;
  text.reserve(static_cast<std::size_t>(
      std::min<std::uintmax_t>(std::filesystem::file_size(path, ec), max_bytes) + 1));
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw InputError(file, "",
                       "the " + what + " is larger than " + mebibytes(max_bytes) +
                           ", the most covsim reads for it: is it the right file?");
  }
  if (in.bad()) throw InputError(file, "", "cannot read the " + what);
  if (utf8)
    if (const auto bad = invalid_utf8(text)) throw InputError(file, bad->where(), bad->problem());
  return text;
}

}  // namespace covsim::geo
