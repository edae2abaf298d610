#include "app/run_maps.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "app/territory_label.hpp"
#include "app/wording.hpp"
#include "geo/catchment.hpp"
#include "geo/error.hpp"

namespace covsim::app {

namespace {

// Who hosts the post, as a legend says it, and its colour: distinct from the minutes ramp
// (yellow to red) and from the red of "loses its permanence". In sim::HostType order.
struct HostStyle {
  const char* label;
  geo::Rgb color;
};
constexpr HostStyle kHostStyles[] = {
    {"town hall", {0.12, 0.4, 0.75}},       {"EPCI", {0.13, 0.55, 0.2}},
    {"department", {0.45, 0.2, 0.6}},       {"metropole", {0.05, 0.55, 0.55}},
    {"association", {0.95, 0.55, 0.0}},     {"social centre", {0.55, 0.3, 0.1}},
    {"France Services", {0.0, 0.15, 0.45}}, {"other host", {0.3, 0.3, 0.3}},
};
static_assert(std::size(kHostStyles) == static_cast<std::size_t>(sim::HostType::other) + 1);

std::string host_label(sim::HostType h) { return kHostStyles[static_cast<std::size_t>(h)].label; }
geo::Rgb host_color(sim::HostType h) { return kHostStyles[static_cast<std::size_t>(h)].color; }

constexpr geo::Rgb kLost{0.62, 0.62, 0.62};
constexpr geo::Rgb kCircuit{0.45, 0.2, 0.6};

geo::PointSymbol marker(const geo::Territory& t, geo::CommuneId c, geo::Symbol kind, double size,
                        geo::Rgb fill, std::string legend) {
  geo::PointSymbol p;
  p.at = t.demand[c];
  p.kind = kind;
  p.size_px = size;
  p.fill = fill;
  p.legend = std::move(legend);
  return p;
}

// Sites (shape by strategy, colour by host type) and roaming stops (triangles) of `d`; with
// `active`, the sites and stops of posts that go are drawn grey instead.
std::vector<geo::PointSymbol> post_symbols(const geo::Territory& t, const sim::Deployment& d,
                                           const sim::PostTable& posts,
                                           const std::vector<std::uint8_t>* active = nullptr) {
  std::vector<geo::PointSymbol> out;
  auto lost = [&](sim::PostId p) { return active && !(*active)[p]; };
  std::vector<std::uint8_t> seen(t.size() * 3, 0);
  for (sim::SiteId s = 0; s < d.sites(); ++s) {
    const sim::Post& post = posts.posts[d.site_post[s]];
    const geo::CommuneId c = d.site_commune[s];
    const bool multi = post.strategy == sim::Strategy::multi_centre;
    if (std::exchange(seen[c * 3 + (multi ? 1 : 0)], 1)) continue;  // one per site and strategy
    const std::string kind = multi ? "Multi-centre site" : "Fixed site";
    if (lost(d.site_post[s]))
      out.push_back(marker(t, c, geo::Symbol::circle, 13, kLost, "Site of a post that goes"));
    else
      out.push_back(marker(t, c, multi ? geo::Symbol::square : geo::Symbol::circle, 13,
                           host_color(post.host_type), kind + " — " + host_label(post.host_type)));
  }
  for (sim::CircuitId r = 0; r < d.circuits(); ++r) {
    const sim::PostId p = d.circuit_post[r];
    const sim::Post& post = posts.posts[p];
    for (const geo::CommuneId c : d.stops(r))
      if (!std::exchange(seen[c * 3 + 2], 1))
        out.push_back(marker(
            t, c, geo::Symbol::triangle, 11, lost(p) ? kLost : host_color(post.host_type),
            lost(p) ? "Stop of a post that goes" : "Roaming stop — " + host_label(post.host_type)));
  }
  return out;
}

std::vector<geo::Polyline> circuit_lines(const geo::Territory& t, const sim::Deployment& d) {
  std::vector<geo::Polyline> out;
  for (sim::CircuitId c = 0; c < d.circuits(); ++c) {
    auto stops = d.stops(c);
    if (stops.size() < 2) continue;
    geo::Polyline line;
    for (geo::CommuneId s : stops) line.points.push_back(t.demand[s]);
    line.points.push_back(t.demand[stops.front()]);
    line.color = kCircuit;
    line.width_px = 2;
    line.legend = "Roaming round";
    out.push_back(std::move(line));
  }
  return out;
}

// Communes where the posts are: homes, sites and stops.
std::vector<geo::CommuneId> post_communes(const RunOutputs& o) {
  std::vector<geo::CommuneId> out(o.baseline.deployment.site_commune);
  const auto& stops = o.baseline.deployment.stop_commune;
  out.insert(out.end(), stops.begin(), stops.end());
  for (const sim::Post& p : o.baseline.posts.posts) out.push_back(p.home);
  return out;
}

// The communes the maps show: output.extent's groups; else the EPCIs (departments without
// EPCIs) holding posts; else every commune.
std::vector<geo::CommuneId> study_area(const RunOutputs& o) {
  const geo::Territory& t = o.prepared.territory;
  const std::vector<std::string>& codes = o.scenario.output.extent;
  std::vector<geo::CommuneId> all(t.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c) all[c] = c;
  if (codes.size() == 1 && codes[0] == "all") return all;
  std::vector<std::uint8_t> in(t.size(), 0);
  if (!codes.empty()) {
    for (const geo::Grouping& g : t.groupings)
      for (geo::CommuneId c = 0; c < t.size(); ++c)
        if (g.of[c] != geo::kNoGroup &&
            std::find(codes.begin(), codes.end(), g.codes[g.of[c]]) != codes.end())
          in[c] = 1;
  } else {
    const geo::Grouping* g = t.grouping("epci");
    if (!g) g = t.grouping("department");
    if (!g) return all;
    const std::vector<geo::GroupId> held = groups_of(t, g->key, post_communes(o));
    for (geo::CommuneId c = 0; c < t.size(); ++c)
      in[c] = std::find(held.begin(), held.end(), g->of[c]) != held.end();
  }
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (in[c]) out.push_back(c);
  return out.empty() ? all : out;
}

// EPCI boundaries: the communes of each EPCI dissolved into one outline.
std::vector<geo::MultiPolygon> epci_outlines(const geo::Territory& t) {
  const geo::Grouping* g = t.grouping("epci");
  if (!g || g->size() < 2) return {};
  return geo::dissolve(t.shape, g->of, g->size()).shape;
}

// Names of the communes that lose something first, then of the sites, then of the largest.
std::vector<geo::PlaceLabel> place_labels(const RunOutputs& o,
                                          const std::vector<geo::CommuneId>& area) {
  const geo::Territory& t = o.prepared.territory;
  std::vector<double> rank(t.size(), -1);
  std::vector<geo::CommuneId> largest = area;
  by_population(t, largest);
  // The five largest towns orient the reader: before the sites, after the losses.
  for (std::size_t i = 0; i < std::min<std::size_t>(largest.size(), 30); ++i)
    rank[largest[i]] = (i < 5 ? 1.5e9 : 0) + t.population[largest[i]];
  for (const geo::CommuneId c : post_communes(o))
    rank[c] = std::max(rank[c], 1e9 + t.population[c]);
  if (o.renewal) {
    for (const geo::CommuneId c : o.renewal->impact.loss.losing_reach(o.renewal->impact.threshold))
      rank[c] = 2e9 + t.population[c];
    for (const geo::CommuneId c : o.renewal->impact.loss.losing_permanence())
      rank[c] = 2e9 + t.population[c];
  }
  std::vector<geo::PlaceLabel> out;
  for (const geo::CommuneId c : area)
    if (rank[c] >= 0 && !t.name[c].empty())
      out.push_back({t.demand[c], t.name[c], rank[c], rank[c] >= 2e9});
  return out;
}

}  // namespace

std::vector<double> map_minutes(const sim::CommuneCoverage& c, float cutoff) {
  std::vector<double> v(c.size());
  for (std::size_t i = 0; i < c.size(); ++i)
    v[i] = std::isfinite(c.nearest_minutes[i]) ? c.nearest_minutes[i] : cutoff;
  return v;
}

geo::ClassScheme minutes_scheme(const Scenario& s) {
  geo::ClassScheme scheme;
  scheme.method = geo::Classification::manual;
  scheme.manual_breaks.assign(s.coverage.thresholds_minutes.begin(),
                              s.coverage.thresholds_minutes.end());
  scheme.ramp = geo::Ramp::yl_or_rd;
  return scheme;
}

void by_population(const geo::Territory& t, std::vector<geo::CommuneId>& communes) {
  std::stable_sort(communes.begin(), communes.end(), [&](geo::CommuneId a, geo::CommuneId b) {
    return t.population[a] > t.population[b];
  });
}

RunMaps run_maps(const RunOutputs& o) {
  const geo::Territory& t = o.prepared.territory;
  const float cutoff = o.prepared.table.cutoff_minutes;
  const std::vector<geo::CommuneId> area = study_area(o);
  RunMaps maps;
  geo::MapSpec& spec = maps.coverage;
  spec.polygons = t.shape;
  spec.classes = minutes_scheme(o.scenario);
  spec.title = o.scenario.name;
  spec.subtitle = "Minutes to the nearest advisor site, " +
                  counted(static_cast<double>(o.baseline.posts.size()), "post");
  spec.credits =
      "covsim · " + territory_label(t) + " · travel: " + o.prepared.graph.model + " model";
  spec.legend_title = "Minutes to the nearest site";
  spec.units = "min";
  if (area.size() < t.size())
    for (const geo::CommuneId c : area) spec.extent.expand(t.shape[c].bounds());
  spec.outlines = epci_outlines(t);
  if (!spec.outlines.empty()) spec.outline_label = "EPCI boundary";
  spec.labels = place_labels(o, area);
  spec.map.values = map_minutes(o.baseline.communes, cutoff);
  spec.map.points = post_symbols(t, o.baseline.deployment, o.baseline.posts);
  spec.map.lines = circuit_lines(t, o.baseline.deployment);
  if (!o.renewal) return maps;

  const sim::RenewalImpact& im = o.renewal->impact;
  geo::MapSpec pair = spec;
  pair.subtitle = "Before and after renewal (" + std::string(sim::name(im.options.policy)) +
                  "); outlined: losing reach within " +
                  minutes_label(o.scenario.coverage.thresholds_minutes[im.threshold]) +
                  " min; red diamonds: losing their permanence";
  pair.map.caption = "Before: every post active";
  pair.highlight_label = "Loses reach";
  geo::MapPanel after;
  after.caption = "After renewal";
  after.values = map_minutes(im.after, cutoff);
  const std::vector<geo::CommuneId> losing = im.loss.losing_reach(im.threshold);
  after.highlighted.assign(losing.begin(), losing.end());
  // The posts that go, grey where they were; then what the posts left do after reallocation.
  after.points = post_symbols(t, o.baseline.deployment, o.baseline.posts, &im.active);
  std::erase_if(after.points, [](const geo::PointSymbol& p) { return !(p.fill == kLost); });
  const std::vector<geo::PointSymbol> kept = post_symbols(t, im.after_deployment, o.baseline.posts);
  after.points.insert(after.points.end(), kept.begin(), kept.end());
  for (const geo::CommuneId c : im.loss.losing_permanence())
    after.points.push_back(
        marker(t, c, geo::Symbol::diamond, 13, {0.85, 0.1, 0.1}, "Loses its permanence"));
  after.lines = circuit_lines(t, im.after_deployment);
  maps.renewal = std::move(pair);
  maps.after = std::move(after);
  return maps;
}

}  // namespace covsim::app
