// The framing shared by covsim's binary files (road network cache, territory cache, sweep
// shards): a magic tag, a format version, a key naming what the file was made from, the body,
// and a checksum over everything before it. A reader takes the file whole, so a short, altered
// or foreign file is recognised before any of it is used, and a file made from other inputs is
// told apart from a corrupt one. Writes are atomic (temporary file + rename). Internal to covsim.
//
//   BinaryWriter w(kMagic, kVersion, key);  w.put_array(points);  save_binary(path, w, "cache");
//   std::string bytes;  std::string why;
//   if (auto r = open_binary(path, kMagic, kVersion, key, bytes, why)) points = r->get_array<P>();
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace covsim::geo::detail {

// 64-bit words mixed by multiply-rotate: about 4 GB/s, so checking a national file of a few
// hundred MB costs a fraction of the reload; any altered or truncated byte changes it.
std::uint64_t checksum(const char* data, std::size_t size);

// The 8 bytes that open a file of one kind ("COVSIMRC": road cache...).
using Magic = char[8];

class BinaryWriter {
 public:
  BinaryWriter(const Magic& magic, std::uint32_t version, const std::string& key);
  template <class T>
  void put(const T& v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  // Raw element bytes: T must have no padding (the callers static_assert their sizes).
  template <class T>
  void put_array(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    if (!v.empty()) bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put_text(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
  }
  void put_texts(const std::vector<std::string>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    for (const std::string& s : v) put_text(s);
  }
  void put_counts(const std::map<std::string, std::size_t>& m);
  const std::string& bytes() const { return bytes_; }

 private:
  friend void save_binary(const std::filesystem::path&, BinaryWriter&, const std::string&);
  std::string bytes_;
};

// Thrown by BinaryReader on a body that does not parse; open_binary's callers catch it and
// treat the file as corrupt.
struct CorruptBinary {
  std::string what;
};

class BinaryReader {
 public:
  BinaryReader(const char* data, std::size_t size) : data_(data), size_(size) {}
  template <class T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, data_ + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  template <class T>
  std::vector<T> get_array() {
    const auto n = get<std::uint64_t>();
    if (n > (size_ - at_) / sizeof(T)) throw CorruptBinary{"an array runs past the end"};
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), data_ + at_, n * sizeof(T));  // data() may be null if empty
    at_ += n * sizeof(T);
    return v;
  }
  std::string get_text() {
    const auto n = get<std::uint64_t>();
    need(n);
    std::string s(data_ + at_, n);
    at_ += n;
    return s;
  }
  std::vector<std::string> get_texts();
  std::map<std::string, std::size_t> get_counts();
  // Throws CorruptBinary unless the whole body was read.
  void expect_end() const {
    if (at_ != size_) throw CorruptBinary{"trailing bytes"};
  }

 private:
  void need(std::size_t n) const {
    if (n > size_ - at_) throw CorruptBinary{"truncated"};
  }
  const char* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

// Reads `path` whole into `storage` and returns a reader over its body (after the key), or
// nullopt with `why_not` set: "no cache yet" (no file), "corrupt (...)" (short, altered, not of
// this kind, another version), or "made for other inputs or settings" (another key).
std::optional<BinaryReader> open_binary(const std::filesystem::path& path, const Magic& magic,
                                        std::uint32_t version, const std::string& key,
                                        std::string& storage, std::string& why_not);

// Appends the checksum and writes atomically (replacing any older file). Throws OutputError
// naming `what` ("the road cache") when the file cannot be written.
void save_binary(const std::filesystem::path& path, BinaryWriter& writer, const std::string& what);

// " bytes N; modified T" of a file, for keys; throws InputError when it cannot be read.
std::string file_stamp(const std::filesystem::path& file);

}  // namespace covsim::geo::detail
