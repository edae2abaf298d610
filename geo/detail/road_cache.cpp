#include "geo/detail/road_cache.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {

constexpr char kMagic[8] = {'C', 'O', 'V', 'S', 'I', 'M', 'R', 'C'};
constexpr std::uint32_t kVersion = 1;
static_assert(sizeof(Edge) == 12 && sizeof(Point) == 16 && sizeof(InnerNode) == 20,
              "the cache stores these as raw bytes, without padding");

// 64-bit words mixed by multiply-rotate: about 4 GB/s, so checking a national graph of a few
// hundred MB costs a fraction of the reload; any altered or truncated byte changes it.
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

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void put_array(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    if (!v.empty()) bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put_text(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
  }
  void put_counts(const std::map<std::string, std::size_t>& m) {
    put(static_cast<std::uint64_t>(m.size()));
    for (const auto& [k, n] : m) {
      put_text(k);
      put(static_cast<std::uint64_t>(n));
    }
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

struct Corrupt {
  std::string what;
};

class Reader {
 public:
  Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
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
    if (n > (size_ - at_) / sizeof(T)) throw Corrupt{"an array runs past the end"};
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
  std::map<std::string, std::size_t> get_counts() {
    std::map<std::string, std::size_t> m;
    const auto n = get<std::uint64_t>();
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string k = get_text();
      m[k] = get<std::uint64_t>();
    }
    return m;
  }
  std::size_t at() const { return at_; }

 private:
  void need(std::size_t n) const {
    if (n > size_ - at_) throw Corrupt{"truncated"};
  }
  const char* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace

std::filesystem::path road_cache_path(const RoadOptions& o) {
  std::filesystem::path name = o.file.filename();
  name += ".covsim-roads";
  return o.cache_dir.empty() ? std::filesystem::path(o.file).replace_filename(name)
                             : o.cache_dir / name;
}

std::string road_cache_key(const RoadOptions& o, int epsg) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(o.file, ec);
  const auto mtime = std::filesystem::last_write_time(o.file, ec);
  if (ec) throw InputError(o.file.string(), "", "cannot read: " + ec.message());
  std::ostringstream k;
  k.precision(17);
  k << "extract " << std::filesystem::absolute(o.file).lexically_normal().string() << "; bytes "
    << size << "; modified " << mtime.time_since_epoch().count() << "; EPSG:" << epsg << "; speeds";
  for (const auto& [cls, kmh] : o.speed_kmh) k << ' ' << cls << '=' << kmh;
  k << "; ignored";
  for (const std::string& cls : o.ignored_classes) k << ' ' << cls;
  k << "; unknown " << (o.unknown_class_speed_kmh ? *o.unknown_class_speed_kmh : 0.0)
    << "; maxspeed " << o.use_maxspeed << ' ' << o.urban_limit_share << ' ' << o.rural_limit_share
    << "; oneway " << !o.oneway_field.empty() << ' ' << o.osm_implied_oneway;
  return k.str();
}

std::optional<CachedRoads> load_road_cache(const std::filesystem::path& path,
                                           const std::string& key, std::string& why_not) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why_not = "no cache yet";
    return std::nullopt;
  }
  // One read of the whole file: a national cache is some 80 MB.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::string bytes(ec ? 0 : size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (ec || in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    why_not = "corrupt (cannot be read whole)";
    return std::nullopt;
  }
  try {
    if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
      throw Corrupt{"not a covsim road cache"};
    const std::size_t body = bytes.size() - 8;
    std::uint64_t stored;
    std::memcpy(&stored, bytes.data() + body, 8);
    if (stored != checksum(bytes.data(), body)) throw Corrupt{"checksum mismatch"};
    Reader r(bytes.data() + sizeof kMagic, body - sizeof kMagic);
    if (r.get<std::uint32_t>() != kVersion) throw Corrupt{"written by another covsim version"};
    if (r.get_text() != key) {
      why_not = "made for another extract or other settings";
      return std::nullopt;
    }
    CachedRoads c;
    RoadReport& rep = c.report;
    rep.reader = r.get_text();
    rep.source = r.get_text();
    for (std::size_t* n :
         {&rep.features, &rep.lines_driven, &rep.one_way_lines, &rep.lines_with_maxspeed,
          &rep.lines_missing_nodes, &rep.nodes_read, &rep.nodes_kept, &rep.nodes_contracted})
      *n = r.get<std::uint64_t>();
    rep.ignored_by_class = r.get_counts();
    rep.unknown_by_class = r.get_counts();
    c.net.node = r.get_array<Point>();
    c.net.edges = r.get_array<Edge>();
    c.net.metres = r.get_array<double>();
    c.net.inner_node = r.get_array<Point>();
    c.net.inner = r.get_array<InnerNode>();
    if (c.net.metres.size() != c.net.edges.size() || c.net.inner.size() != c.net.inner_node.size())
      throw Corrupt{"columns differ in length"};
    for (const InnerNode& i : c.net.inner)
      if (i.from >= c.net.node.size() || i.to >= c.net.node.size())
        throw Corrupt{"a contracted node names a node that does not exist"};
    for (const Edge& e : c.net.edges)
      if (e.from >= c.net.node.size() || e.to >= c.net.node.size() || !(e.minutes >= 0))
        throw Corrupt{"an edge names a node that does not exist"};
    if (r.at() != body - sizeof kMagic) throw Corrupt{"trailing bytes"};
    return c;
  } catch (const Corrupt& e) {
    why_not = "corrupt (" + e.what + ")";
    return std::nullopt;
  }
}

void save_road_cache(const std::filesystem::path& path, const std::string& key,
                     const RoadNetwork& net, const RoadReport& rep) {
  Writer w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.put(kVersion);
  w.put_text(key);
  w.put_text(rep.reader);
  w.put_text(rep.source);
  for (std::size_t n :
       {rep.features, rep.lines_driven, rep.one_way_lines, rep.lines_with_maxspeed,
        rep.lines_missing_nodes, rep.nodes_read, rep.nodes_kept, rep.nodes_contracted})
    w.put(static_cast<std::uint64_t>(n));
  w.put_counts(rep.ignored_by_class);
  w.put_counts(rep.unknown_by_class);
  w.put_array(net.node);
  w.put_array(net.edges);
  w.put_array(net.metres);
  w.put_array(net.inner_node);
  w.put_array(net.inner);
  w.put(checksum(w.bytes().data(), w.bytes().size()));
  write_atomically(path, true, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.flush();
    if (!out) throw OutputError(path.string() + ": cannot write the road cache");
  });
}

}  // namespace covsim::geo::detail
