#include "geo/load_report.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace covsim::geo {

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string where(const FeatureRef& f) {
  return f.file + " feature " + std::to_string(f.fid) + " (code " + f.code + ")";
}

// Writes up to `max_items` lines of `items`, then how many were left out.
template <class T, class Line>
void list(std::string& out, const char* title, const std::vector<T>& items, std::size_t max_items,
          Line line) {
  if (items.empty()) return;
  out += title;
  out += " (" + std::to_string(items.size()) + "):\n";
  const std::size_t shown = std::min(max_items, items.size());
  for (std::size_t i = 0; i < shown; ++i) out += "  " + line(items[i]) + "\n";
  if (shown < items.size())
    out += "  ... and " + std::to_string(items.size() - shown) + " more (see the JSON report)\n";
}

nlohmann::json feature_json(const FeatureRef& f) {
  return {{"file", f.file}, {"feature", f.fid}, {"code", f.code}};
}

}  // namespace

const char* to_string(MergeReason r) {
  switch (r) {
    case MergeReason::duplicate_code:
      return "duplicate code";
    case MergeReason::delegated_commune:
      return "delegated commune";
    case MergeReason::associated_commune:
      return "associated commune";
    case MergeReason::municipal_arrondissement:
      return "municipal arrondissement";
    case MergeReason::former_code:
      return "former code";
    case MergeReason::mapping_table:
      return "mapping table";
    case MergeReason::longest_border:
      return "longest border";
  }
  return "?";
}

std::size_t LoadReport::merged(MergeReason r) const {
  return static_cast<std::size_t>(
      std::count_if(merges.begin(), merges.end(), [r](const Merge& m) { return m.reason == r; }));
}

std::string LoadReport::to_text(std::size_t max_items) const {
  std::string out;
  out += "territory: " + std::to_string(communes) + " communes from " +
         std::to_string(features_read) + " features in " + std::to_string(inputs.size()) +
         " file(s), " + fixed(area_km2, 1) + " km2\n";
  out += "crs: " + source_crs + " -> " + target_crs + "\n";
  if (!cog.empty()) out += "commune codes joined with the COG in " + cog + "\n";
  out += "repaired " + std::to_string(repairs.size()) + ", empty " + std::to_string(empty.size()) +
         ", merged " + std::to_string(merges.size());
  std::string by_reason;
  for (MergeReason r :
       {MergeReason::duplicate_code, MergeReason::delegated_commune,
        MergeReason::associated_commune, MergeReason::municipal_arrondissement,
        MergeReason::former_code, MergeReason::mapping_table, MergeReason::longest_border}) {
    if (const std::size_t n = merged(r))
      by_reason += (by_reason.empty() ? "" : ", ") + std::to_string(n) + " " + to_string(r);
  }
  if (!by_reason.empty()) out += " (" + by_reason + ")";
  out += ", unknown codes kept " + std::to_string(kept_unknown.size()) + "\n";
  out += "population: " + fixed(population_kept, 0) + " in the territory";
  if (!cog.empty()) {
    out += ", " + fixed(population_in_scope, 0) +
           " in the current communes of the departments in " + "scope, " +
           fixed(population_unplaced, 0) + " in " + std::to_string(unplaced.size()) +
           " commune(s) with no polygon";
  }
  out += "\n";

  list(out, "repaired polygons", repairs, max_items, [](const Repair& r) {
    return where(r.feature) + ": " + r.reason + "; area " + fixed(r.area_before_m2 / 1e6, 4) +
           " -> " + fixed(r.area_after_m2 / 1e6, 4) + " km2";
  });
  list(out, "features without a polygon", empty, max_items, [](const EmptyGeometry& e) {
    return where(e.feature) + ": " + e.why + ", population " + fixed(e.population, 0);
  });
  list(out, "merged features", merges, max_items, [](const Merge& m) {
    std::string s = where(m.feature) + " -> " + m.into + " (" + to_string(m.reason);
    if (m.reason == MergeReason::longest_border) s += ", " + fixed(m.shared_border_m, 0) + " m";
    return s + ")";
  });
  list(out, "unknown codes kept as communes with population 0", kept_unknown, max_items,
       [](const KeptUnknown& k) { return where(k.feature) + ": " + k.why; });
  list(out, "current communes with no polygon (population not placed)", unplaced, max_items,
       [](const UnplacedCommune& u) {
         return u.code + " " + u.name + " (department " + u.department + "), population " +
                fixed(u.population, 0);
       });
  for (const TableJoinReport& t : tables) {
    out += "table " + t.file + ": " + std::to_string(t.matched) + " of " + std::to_string(t.rows) +
           " rows matched\n";
    list(out, "  communes without a row", t.communes_without_row, max_items,
         [](const std::string& c) { return c; });
    list(out, "  rows without a commune", t.rows_without_commune, max_items,
         [](const std::string& r) { return r; });
  }
  list(out, "warnings", warnings, max_items, [](const std::string& w) { return w; });
  return out;
}

std::string LoadReport::to_json() const {
  nlohmann::json j;
  j["inputs"] = inputs;
  j["crs"] = {{"source", source_crs}, {"target", target_crs}, {"target_epsg", target_epsg}};
  j["cog"] = cog;
  j["counts"] = {{"features_read", features_read}, {"communes", communes},
                 {"repaired", repairs.size()},     {"empty", empty.size()},
                 {"merged", merges.size()},        {"kept_unknown", kept_unknown.size()},
                 {"unplaced", unplaced.size()}};
  j["population"] = {{"kept", population_kept},
                     {"in_scope", population_in_scope},
                     {"unplaced", population_unplaced}};
  j["area_km2"] = area_km2;
  auto& reps = j["repairs"] = nlohmann::json::array();
  for (const Repair& r : repairs)
    reps.push_back({{"feature", feature_json(r.feature)},
                    {"reason", r.reason},
                    {"area_before_m2", r.area_before_m2},
                    {"area_after_m2", r.area_after_m2}});
  auto& emp = j["empty"] = nlohmann::json::array();
  for (const EmptyGeometry& e : empty)
    emp.push_back(
        {{"feature", feature_json(e.feature)}, {"why", e.why}, {"population", e.population}});
  auto& mer = j["merges"] = nlohmann::json::array();
  for (const Merge& m : merges) {
    nlohmann::json e = {
        {"feature", feature_json(m.feature)}, {"into", m.into}, {"reason", to_string(m.reason)}};
    if (m.reason == MergeReason::longest_border) e["shared_border_m"] = m.shared_border_m;
    mer.push_back(std::move(e));
  }
  auto& kept = j["kept_unknown"] = nlohmann::json::array();
  for (const KeptUnknown& k : kept_unknown)
    kept.push_back({{"feature", feature_json(k.feature)}, {"why", k.why}});
  auto& unp = j["unplaced"] = nlohmann::json::array();
  for (const UnplacedCommune& u : unplaced)
    unp.push_back({{"code", u.code},
                   {"name", u.name},
                   {"department", u.department},
                   {"population", u.population}});
  auto& tab = j["tables"] = nlohmann::json::array();
  for (const TableJoinReport& t : tables)
    tab.push_back({{"file", t.file},
                   {"rows", t.rows},
                   {"matched", t.matched},
                   {"communes_without_row", t.communes_without_row},
                   {"rows_without_commune", t.rows_without_commune}});
  j["warnings"] = warnings;
  return j.dump(2);
}

}  // namespace covsim::geo
