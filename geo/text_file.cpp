#include "geo/text_file.hpp"

#include <fstream>

#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

void write_text_file(const std::filesystem::path& path, std::string_view text, bool overwrite) {
  detail::write_atomically(path, overwrite, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw OutputError(path.string() + ": cannot write (disk full or not writable?)");
  });
}

}  // namespace covsim::geo
