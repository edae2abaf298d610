// Test helper: writes a real-format OpenStreetMap extract (.osm.pbf) with libosmium's writer
// from a few nodes and ways given in the test, so road tests read the format planners download.
//
//   OsmExtract x;  x.node(1, -1.70, 48.10);  x.way(10, {1, 2}, {{"highway", "primary"}});
//   x.write(dir / "tiny.osm.pbf");
#pragma once

#include <filesystem>
#include <map>
#include <osmium/builder/attr.hpp>
#include <osmium/io/pbf_output.hpp>
#include <osmium/io/writer.hpp>
#include <osmium/memory/buffer.hpp>
#include <string>
#include <utility>
#include <vector>

namespace covsim::test {

class OsmExtract {
 public:
  void node(std::int64_t id, double lon, double lat) { nodes_.push_back({id, {lon, lat}}); }
  void way(std::int64_t id, std::vector<std::int64_t> refs,
           std::map<std::string, std::string> tags) {
    ways_.push_back({id, std::move(refs), std::move(tags)});
  }
  std::pair<double, double> location(std::int64_t id) const {
    for (const auto& n : nodes_)
      if (n.id == id) return n.lon_lat;
    return {0, 0};
  }

  // Nodes first, then ways, sorted by id: the order of a real extract.
  void write(const std::filesystem::path& path) const {
    using namespace osmium::builder::attr;
    osmium::memory::Buffer buffer{1 << 16, osmium::memory::Buffer::auto_grow::yes};
    for (const auto& n : nodes_)
      osmium::builder::add_node(buffer, _id(n.id), _version(1),
                                _location(n.lon_lat.first, n.lon_lat.second));
    for (const auto& w : ways_) {
      std::vector<osmium::object_id_type> refs(w.refs.begin(), w.refs.end());
      std::vector<std::pair<const char*, const char*>> tags;
      for (const auto& [k, v] : w.tags) tags.emplace_back(k.c_str(), v.c_str());
      osmium::builder::add_way(buffer, _id(w.id), _version(1), _nodes(refs), _tags(tags));
    }
    osmium::io::Header header;
    header.set("generator", "covsim tests");
    osmium::io::Writer writer{path.string(), header, osmium::io::overwrite::allow};
    writer(std::move(buffer));
    writer.close();
  }

 private:
  struct Node {
    std::int64_t id;
    std::pair<double, double> lon_lat;
  };
  struct Way {
    std::int64_t id;
    std::vector<std::int64_t> refs;
    std::map<std::string, std::string> tags;
  };
  std::vector<Node> nodes_;
  std::vector<Way> ways_;
};

}  // namespace covsim::test
