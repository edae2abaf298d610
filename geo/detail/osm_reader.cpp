#include "geo/detail/osm_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <osmium/geom/haversine.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/pbf_input.hpp>
#include <osmium/visitor.hpp>

#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

std::optional<double> parse_maxspeed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s == "walk") return 6;
  if (s.starts_with("FR:")) {
    const std::string_view zone = s.substr(3);
    if (zone == "urban") return 50;
    if (zone == "rural") return 80;
    if (zone == "motorway") return 130;
    if (zone == "zone30" || zone == "zone:30") return 30;
    if (zone == "zone20" || zone == "zone:20" || zone == "living_street") return 20;
    return std::nullopt;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || !(v > 0) || v > 300) return std::nullopt;
  std::string_view unit = s.substr(static_cast<std::size_t>(end - s.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty() || unit == "km/h" || unit == "kmh") return v;
  if (unit == "mph") return v * 1.609344;
  return std::nullopt;  // "50;30", "50 knots"...: not a plain limit
}

namespace {

enum class Way : std::uint8_t { both, forward, backward };

bool is(const char* value, std::initializer_list<const char*> any) {
  if (!value) return false;
  for (const char* a : any)
    if (std::strcmp(value, a) == 0) return true;
  return false;
}

// Ways as read: node ids and locations of every point, with a speed and direction.
struct Ways {
  std::vector<osmium::object_id_type> ref;
  std::vector<osmium::Location> location;
  std::vector<std::uint32_t> end;  // way i spans points [end[i - 1], end[i])
  std::vector<float> kmh;
  std::vector<Way> way;
  std::uint32_t begin_of(std::size_t i) const { return i == 0 ? 0 : end[i - 1]; }
};

class RoadCollector : public osmium::handler::Handler {
 public:
  RoadCollector(const RoadOptions& o, RoadReport& report, Ways& ways)
      : o_(o), report_(report), ways_(ways) {}

  void way(const osmium::Way& w) {
    const osmium::TagList& tags = w.tags();
    const char* highway = tags["highway"];
    if (!highway) return;  // rivers, railways, buildings: not part of the count
    ++report_.features;
    if (is(tags["area"], {"yes"}) || is(tags["access"], {"no", "private"}) ||
        is(tags["motor_vehicle"], {"no", "private"}) || is(tags["motorcar"], {"no", "private"})) {
      ++report_.ignored_by_class["(closed to cars)"];
      return;
    }
    const std::optional<double> by_class = class_speed(o_, highway, report_);
    if (!by_class) return;
    double kmh = *by_class;
    if (o_.use_maxspeed) {
      if (const char* m = tags["maxspeed"]) {
        if (const auto limit = parse_maxspeed(m)) {
          kmh = *limit * (*limit <= 50 ? o_.urban_limit_share : o_.rural_limit_share);
          ++report_.lines_with_maxspeed;
        }
      }
    }
    Way direction = Way::both;
    const char* oneway = tags["oneway"];
    if (is(oneway, {"yes", "true", "1"}))
      direction = Way::forward;
    else if (is(oneway, {"-1", "reverse"}))
      direction = Way::backward;
    else if (!oneway && o_.osm_implied_oneway &&
             (std::strcmp(highway, "motorway") == 0 ||
              is(tags["junction"], {"roundabout", "circular"})))
      direction = Way::forward;
    if (o_.oneway_field.empty()) direction = Way::both;

    part_start_ = ways_.ref.size();
    bool missing = false;
    for (const osmium::NodeRef& n : w.nodes()) {
      if (!n.location().valid()) {  // outside the extract: the way is cut there
        missing = true;
        end_part(kmh, direction);
        continue;
      }
      if (ways_.ref.size() > part_start_ && ways_.ref.back() == n.ref()) continue;
      ways_.ref.push_back(n.ref());
      ways_.location.push_back(n.location());
    }
    end_part(kmh, direction);
    report_.lines_missing_nodes += missing;
    report_.one_way_lines += direction != Way::both;
    ++report_.lines_driven;
  }

 private:
  // Closes the current part of a way: a part needs two points to be a road.
  void end_part(double kmh, Way direction) {
    const std::size_t points = ways_.ref.size() - part_start_;
    if (points == 1) {
      ways_.ref.pop_back();
      ways_.location.pop_back();
    } else if (points >= 2) {
      ways_.end.push_back(static_cast<std::uint32_t>(ways_.ref.size()));
      ways_.kmh.push_back(static_cast<float>(kmh));
      ways_.way.push_back(direction);
    }
    part_start_ = ways_.ref.size();
  }

  const RoadOptions& o_;
  RoadReport& report_;
  Ways& ways_;
  std::size_t part_start_ = 0;
};

void read_ways(const RoadOptions& o, RoadReport& report, Ways& ways, Progress& progress) {
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations{index};
  locations.ignore_errors();  // ways leaving the extract are cut, and counted
  RoadCollector collector(o, report, ways);
  osmium::io::Reader reader{o.file.string(),
                            osmium::osm_entity_bits::node | osmium::osm_entity_bits::way};
  progress.start("road network", reader.file_size());
  std::size_t done = 0;
  while (osmium::memory::Buffer buffer = reader.read()) {
    osmium::apply(buffer, locations, collector);
    const std::size_t offset = reader.offset();
    if (offset > done) progress.advance(offset - done);
    done = std::max(done, offset);
  }
  reader.close();
  progress.finish();
}

// Junctions: points used by two ways or more, or ending a way. Every way is cut at them into
// edges timed by its speed.
RoadNetwork split_at_junctions(const Ways& w, int epsg, const std::string& file) {
  std::vector<osmium::object_id_type> uses(w.ref);
  for (std::size_t i = 0; i < w.end.size(); ++i) {  // an end counts twice: always a junction
    uses.push_back(w.ref[w.begin_of(i)]);
    uses.push_back(w.ref[w.end[i] - 1]);
  }
  std::sort(uses.begin(), uses.end());
  std::vector<osmium::object_id_type> junction;
  for (std::size_t i = 0; i + 1 < uses.size(); ++i)
    if (uses[i] == uses[i + 1] && (junction.empty() || junction.back() != uses[i]))
      junction.push_back(uses[i]);
  std::vector<osmium::object_id_type>().swap(uses);

  RoadNetwork net;
  std::vector<double> x(junction.size()), y(junction.size());
  auto node_of = [&](std::size_t p) -> std::optional<std::uint32_t> {
    auto it = std::lower_bound(junction.begin(), junction.end(), w.ref[p]);
    if (it == junction.end() || *it != w.ref[p]) return std::nullopt;
    return static_cast<std::uint32_t>(it - junction.begin());
  };
  for (std::size_t l = 0; l < w.end.size(); ++l) {
    const std::uint32_t b = w.begin_of(l);
    std::uint32_t from = *node_of(b);
    x[from] = w.location[b].lon();
    y[from] = w.location[b].lat();
    double metres = 0;
    for (std::uint32_t p = b + 1; p < w.end[l]; ++p) {
      metres += osmium::geom::haversine::distance(osmium::geom::Coordinates{w.location[p - 1]},
                                                  osmium::geom::Coordinates{w.location[p]});
      const auto to = node_of(p);
      if (!to) continue;
      x[*to] = w.location[p].lon();
      y[*to] = w.location[p].lat();
      const auto minutes = static_cast<float>(metres / 1000 / w.kmh[l] * 60);
      if (w.way[l] != Way::backward) net.edges.push_back({from, *to, minutes});
      if (w.way[l] != Way::forward) net.edges.push_back({*to, from, minutes});
      if (w.way[l] == Way::both)
        net.metres.insert(net.metres.end(), 2, metres / 2);
      else
        net.metres.push_back(metres);
      from = *to;
      metres = 0;
    }
  }

  SrsPtr wgs84 = make_srs("EPSG:4326", file);
  SrsPtr target = make_srs("EPSG:" + std::to_string(epsg), file);
  TransformPtr t(OCTNewCoordinateTransformation(wgs84.get(), target.get()));
  if (!t || (!x.empty() &&
             !OCTTransform(t.get(), static_cast<int>(x.size()), x.data(), y.data(), nullptr)))
    throw InputError(file, "",
                     "cannot project to EPSG:" + std::to_string(epsg) + ": " +
                         gdal_error("transformation failed"));
  net.node.resize(junction.size());
  for (std::size_t i = 0; i < junction.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw InputError(file, "node " + std::to_string(junction[i]),
                       "cannot be projected to EPSG:" + std::to_string(epsg));
    net.node[i] = {x[i], y[i]};
  }
  return net;
}

}  // namespace

RoadNetwork read_osm_roads(const RoadOptions& o, int epsg, RoadReport& report, Progress& progress) {
  const std::string file = o.file.string();
  report.reader = "libosmium";
  report.source = file;
  check_speed_options(o, file);
  Ways ways;
  try {
    read_ways(o, report, ways, progress);
  } catch (const osmium::io_error& e) {
    throw InputError(file, "", std::string("cannot read OpenStreetMap data: ") + e.what());
  } catch (const std::system_error& e) {
    throw InputError(file, "", std::string("cannot read: ") + e.what());
  } catch (const std::runtime_error& e) {  // osmium's format errors (pbf_error, xml_error...)
    throw InputError(file, "", std::string("not a valid OpenStreetMap file: ") + e.what());
  }
  refuse_unknown_classes(o, report, file, "tag 'highway'");
  if (ways.end.empty()) throw InputError(file, "", "no drivable road (no way tagged highway)");
  return split_at_junctions(ways, epsg, file);
}

}  // namespace covsim::geo::detail
