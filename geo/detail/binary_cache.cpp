#include "geo/detail/binary_cache.hpp"

#include <fstream>

#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

std::uint64_t checksum(const char* data, std::size_t size) {
  std::uint64_t h = 0x243F6A8885A308D3ull ^ size;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = std::rotl(h ^ w, 31) * 0x9E3779B97F4A7C15ull;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, data + i, size - i);
  return std::rotl(h ^ tail, 31) * 0x9E3779B97F4A7C15ull;
}

BinaryWriter::BinaryWriter(const Magic& magic, std::uint32_t version, const std::string& key) {
  bytes_.append(magic, sizeof(Magic));
  put(version);
  put_text(key);
}

void BinaryWriter::put_counts(const std::map<std::string, std::size_t>& m) {
  put(static_cast<std::uint64_t>(m.size()));
  for (const auto& [k, n] : m) {
    put_text(k);
    put(static_cast<std::uint64_t>(n));
  }
}

std::vector<std::string> BinaryReader::get_texts() {
  const auto n = get<std::uint64_t>();
  if (n > size_ - at_) throw CorruptBinary{"a list runs past the end"};
  std::vector<std::string> v;
  v.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) v.push_back(get_text());
  return v;
}

std::map<std::string, std::size_t> BinaryReader::get_counts() {
  std::map<std::string, std::size_t> m;
  const auto n = get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string k = get_text();
    m[k] = get<std::uint64_t>();
  }
  return m;
}

std::optional<BinaryReader> open_binary(const std::filesystem::path& path, const Magic& magic,
                                        std::uint32_t version, const std::string& key,
                                        std::string& bytes, std::string& why_not) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why_not = "no cache yet";
    return std::nullopt;
  }
  // One read of the whole file: a national cache is some 80 MB.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  bytes.assign(ec ? 0 : size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (ec || in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    why_not = "corrupt (cannot be read whole)";
    return std::nullopt;
  }
  try {
    if (bytes.size() < sizeof(Magic) + 8 || std::memcmp(bytes.data(), magic, sizeof(Magic)) != 0)
      throw CorruptBinary{"not a covsim file of this kind"};
    const std::size_t body = bytes.size() - 8;
    std::uint64_t stored;
    std::memcpy(&stored, bytes.data() + body, 8);
    if (stored != checksum(bytes.data(), body)) throw CorruptBinary{"checksum mismatch"};
    BinaryReader r(bytes.data() + sizeof(Magic), body - sizeof(Magic));
    if (r.get<std::uint32_t>() != version) throw CorruptBinary{"written by another covsim version"};
    if (r.get_text() != key) {
      why_not = "made for other inputs or settings";
      return std::nullopt;
    }
    return r;
  } catch (const CorruptBinary& e) {
    why_not = "corrupt (" + e.what + ")";
    return std::nullopt;
  }
}

void save_binary(const std::filesystem::path& path, BinaryWriter& w, const std::string& what) {
  w.put(checksum(w.bytes_.data(), w.bytes_.size()));
  write_atomically(path, true, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(w.bytes_.data(), static_cast<std::streamsize>(w.bytes_.size()));
    out.flush();
    if (!out) throw OutputError(path.string() + ": cannot write " + what);
  });
}

std::string file_stamp(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const auto mtime =
      ec ? std::filesystem::file_time_type{} : std::filesystem::last_write_time(file, ec);
  if (ec) throw InputError(file.string(), "", "cannot read: " + ec.message());
  return " bytes " + std::to_string(size) + "; modified " +
         std::to_string(mtime.time_since_epoch().count());
}

}  // namespace covsim::geo::detail
