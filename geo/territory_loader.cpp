#include "geo/territory_loader.hpp"

#include <ogr_srs_api.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

#include "geo/cog_join.hpp"
#include "geo/detail/feature_reader.hpp"
#include "geo/detail/group_interner.hpp"
#include "geo/detail/ogr.hpp"
#include "geo/detail/polygon_ops.hpp"
#include "geo/error.hpp"
#include "geo/spatial_order.hpp"

namespace covsim::geo {

namespace {

using detail::Features;
using Contexts = tbb::enumerable_thread_specific<detail::GeosContext>;

}  // namespace

// Territory::epsg is a number, so the target CRS must be projected, in metres, with an EPSG code.
int target_crs_epsg(const std::string& definition) {
  detail::SrsPtr srs = detail::make_srs(definition, "target CRS");
  if (!OSRIsProjected(srs.get()))
    throw InputError("target CRS", definition,
                     "must be a projected CRS in metres (EPSG:2154 for mainland France)");
  char* unit = nullptr;
  if (OSRGetLinearUnits(srs.get(), &unit) != 1.0)
    throw InputError("target CRS", definition,
                     std::string("its unit is '") + (unit ? unit : "?") + "', not metres");
  const char* auth = OSRGetAuthorityName(srs.get(), nullptr);
  if (!auth || std::string(auth) != "EPSG") OSRAutoIdentifyEPSG(srs.get());
  auth = OSRGetAuthorityName(srs.get(), nullptr);
  const char* code = OSRGetAuthorityCode(srs.get(), nullptr);
  if (!auth || std::string(auth) != "EPSG" || !code)
    throw InputError("target CRS", definition,
                     "has no EPSG code, and the territory records its CRS as one");
  return std::atoi(code);
}

namespace {

void check_options(const LoadOptions& o) {
  if (o.inputs.empty()) throw InputError("", "load options", "no input file given");
  std::set<std::filesystem::path> seen;
  for (const std::filesystem::path& p : o.inputs)
    if (!seen.insert(std::filesystem::weakly_canonical(p)).second)
      throw InputError(p.string(), "", "the same file is given twice as input");
  if (o.code_field.empty()) throw InputError("", "load options", "the code field has no name");
  if (o.cog && !(o.cog->border_tolerance_m > 0))
    throw InputError(o.cog->dir.string(), "load options", "border tolerance must be positive");
}

// Where each feature goes: the code of its commune, and why when that is not plainly its own.
struct Plan {
  std::vector<std::string> target;  // "" for features without polygon
  std::vector<std::optional<MergeReason>> reason;
  std::vector<double> border_m;
  std::vector<std::string> kept_why;  // unknown code kept as its own commune
};

// Two features may share a code only if they name the same commune (a multipart commune stored
// as several features); two names under one code means the layer is wrong.
void check_duplicate_codes(const Features& f, bool has_names) {
  if (!has_names) return;
  std::unordered_map<std::string_view, std::size_t> first;
  for (std::size_t i = 0; i < f.size(); ++i) {
    auto [it, added] = first.emplace(f.code[i], i);
    if (!added && f.name[it->second] != f.name[i])
      throw InputError(f.files[f.file[i]], f.where(i),
                       "code also used with another name ('" + f.name[i] + "' here, '" +
                           f.name[it->second] + "' in " + f.files[f.file[it->second]] + " " +
                           f.where(it->second) + ")");
  }
}

void repair_all(Features& f, RepairMethod method, Contexts& contexts, LoadReport& report,
                Progress& progress) {
  std::vector<detail::RepairOutcome> outcome(f.size());
  progress.start("checking polygons", f.size());
  tbb::parallel_for(std::size_t{0}, f.size(), [&](std::size_t i) {
    try {
      outcome[i] = detail::repair_if_invalid(contexts.local(), f.shape[i], method);
    } catch (const detail::GeosFailure& e) {
      throw InputError(f.files[f.file[i]], f.where(i), e.what());
    }
    progress.advance();
  });
  progress.finish();
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!outcome[i].repaired) continue;
    report.repairs.push_back(
        {f.ref(i), outcome[i].reason, outcome[i].area_before_m2, f.shape[i].area()});
    if (f.shape[i].empty()) f.why_empty[i] = "nothing left with area after repair";
  }
}

MergeReason reason_of(CodeKind k) {
  switch (k) {
    case CodeKind::delegated:
      return MergeReason::delegated_commune;
    case CodeKind::associated:
      return MergeReason::associated_commune;
    case CodeKind::municipal_arrondissement:
      return MergeReason::municipal_arrondissement;
    default:
      return MergeReason::former_code;
  }
}

// Maps every feature with a polygon through the mapping table and the COG; returns the
// features whose code is still unknown.
std::vector<std::size_t> plan_codes(const Features& f, const LoadOptions& o, const Cog* cog,
                                    const CodeMapping* mapping, Plan& plan, LoadReport& report) {
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!f.why_empty[i].empty()) {
      double pop = f.population[i];
      if (cog && o.population_field.empty()) {
        const CodeMatch m = cog->match(f.code[i]);
        if (m.kind == CodeKind::current) pop = cog->population[m.commune];
      }
      report.empty.push_back({f.ref(i), f.why_empty[i], pop});
      continue;
    }
    if (mapping) {
      if (auto it = mapping->by_old_code.find(f.code[i]); it != mapping->by_old_code.end()) {
        const std::string& to = it->second.new_code;
        if (cog && cog->match(to).kind != CodeKind::current)
          throw InputError(mapping->source, it->second.where,
                           "new code " + to + " is not a current commune in the COG (" +
                               to_string(cog->match(to).kind) + ")");
        plan.target[i] = to;
        plan.reason[i] = MergeReason::mapping_table;
        continue;
      }
    }
    if (!cog) {
      plan.target[i] = f.code[i];
      continue;
    }
    const CodeMatch m = cog->match(f.code[i]);
    if (m.kind == CodeKind::unknown || (m.kind == CodeKind::former && !o.cog->use_former_codes)) {
      unknown.push_back(i);
      continue;
    }
    plan.target[i] = cog->code[m.commune];
    if (m.kind != CodeKind::current) plan.reason[i] = reason_of(m.kind);
  }
  return unknown;
}

// Gives each unknown polygon to the commune whose parts share the most border with it. Rounds
// let a chain of unknown neighbours resolve from the matched side inward.
void merge_into_neighbours(const Features& f, std::vector<std::size_t> unknown, double tolerance_m,
                           Contexts& contexts, Plan& plan, Progress& progress) {
  std::vector<Box> box(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) box[i] = f.shape[i].bounds();
  progress.start("placing unknown codes", unknown.size());
  while (!unknown.empty()) {
    std::vector<std::pair<std::string, double>> best(unknown.size());
    tbb::parallel_for(std::size_t{0}, unknown.size(), [&](std::size_t u) {
      const std::size_t i = unknown[u];
      const detail::BorderProbe probe(contexts.local(), f.shape[i], tolerance_m);
      Box near = box[i];
      near.expand(Point{near.min_x - tolerance_m, near.min_y - tolerance_m});
      near.expand(Point{near.max_x + tolerance_m, near.max_y + tolerance_m});
      std::map<std::string, double> by_target;  // ordered: ties go to the smaller code
      for (std::size_t j = 0; j < f.size(); ++j) {
        if (plan.target[j].empty() || box[j].empty() || box[j].min_x > near.max_x ||
            box[j].max_x < near.min_x || box[j].min_y > near.max_y || box[j].max_y < near.min_y)
          continue;
        try {
          if (const double len = probe.shared_length(f.shape[j]); len > 0)
            by_target[plan.target[j]] += len;
        } catch (const detail::GeosFailure& e) {
          throw InputError(f.files[f.file[j]], f.where(j), e.what());
        }
      }
      for (const auto& [target, len] : by_target)
        if (len > best[u].second) best[u] = {target, len};
    });
    std::vector<std::size_t> still;
    for (std::size_t u = 0; u < unknown.size(); ++u) {
      const std::size_t i = unknown[u];
      if (best[u].first.empty()) {
        still.push_back(i);
        continue;
      }
      plan.target[i] = best[u].first;
      plan.reason[i] = MergeReason::longest_border;
      plan.border_m[i] = best[u].second;
      progress.advance();
    }
    if (still.size() == unknown.size()) break;
    unknown = std::move(still);
  }
  for (std::size_t i : unknown) {
    plan.target[i] = f.code[i];
    plan.kept_why[i] = "not in the COG and no border shared with a matched commune";
  }
  progress.finish();
}

// Communes as slots in order of first appearance, each with its features (CSR).
struct Slots {
  std::vector<std::string> code;
  std::vector<std::size_t> primary;  // the feature carrying the commune's own code, else first
  std::vector<std::uint32_t> first;  // slot s owns feature[first[s] .. first[s+1])
  std::vector<std::size_t> feature;
  std::size_t size() const { return code.size(); }
  std::span<const std::size_t> parts(std::size_t s) const {
    return {feature.data() + first[s], feature.data() + first[s + 1]};
  }
};

Slots group_by_target(const Features& f, const Plan& plan, LoadReport& report) {
  Slots s;
  std::unordered_map<std::string_view, std::uint32_t> slot_of;
  std::vector<std::uint32_t> slot(f.size(), kNoIndex);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (plan.target[i].empty()) continue;
    auto [it, added] = slot_of.emplace(plan.target[i], static_cast<std::uint32_t>(s.size()));
    if (added) {
      s.code.push_back(plan.target[i]);
      s.primary.push_back(i);
    } else if (f.code[s.primary[it->second]] != s.code[it->second] && f.code[i] == plan.target[i]) {
      s.primary[it->second] = i;
    }
    slot[i] = it->second;
  }
  s.first.assign(s.size() + 1, 0);
  for (std::uint32_t sl : slot)
    if (sl != kNoIndex) ++s.first[sl + 1];
  std::partial_sum(s.first.begin(), s.first.end(), s.first.begin());
  s.feature.resize(s.first.back());
  std::vector<std::uint32_t> fill(s.first.begin(), s.first.end() - 1);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (slot[i] == kNoIndex) continue;
    s.feature[fill[slot[i]]++] = i;
    // The primary feature is reported too when its code is not the commune's (all parts of a
    // commune nouvelle may be delegated communes with other codes).
    if (i == s.primary[slot[i]] && f.code[i] == plan.target[i]) continue;
    const MergeReason why = plan.reason[i].value_or(MergeReason::duplicate_code);
    report.merges.push_back({f.ref(i), plan.target[i], why, plan.border_m[i]});
  }
  for (std::size_t i = 0; i < f.size(); ++i)
    if (!plan.kept_why[i].empty()) report.kept_unknown.push_back({f.ref(i), plan.kept_why[i]});
  return s;
}

struct Built {
  std::vector<MultiPolygon> shape;
  std::vector<Point> demand;
};

Built dissolve_all(const Features& f, const Slots& s, Contexts& contexts, Progress& progress) {
  Built b;
  b.shape.resize(s.size());
  b.demand.resize(s.size());
  progress.start("dissolving communes", s.size());
  tbb::parallel_for(std::size_t{0}, s.size(), [&](std::size_t k) {
    std::vector<const MultiPolygon*> parts;
    for (std::size_t i : s.parts(k)) parts.push_back(&f.shape[i]);
    const std::size_t p = s.primary[k];
    try {
      b.shape[k] = detail::dissolve(contexts.local(), parts);
      b.demand[k] = detail::demand_point(contexts.local(), b.shape[k]);
    } catch (const detail::GeosFailure& e) {
      throw InputError(f.files[f.file[p]], f.where(p),
                       std::string("commune ") + s.code[k] + ": " + e.what());
    }
    progress.advance();
  });
  progress.finish();
  return b;
}

// Department of a code the COG does not know, from its INSEE prefix ("2A004" -> "2A",
// "97105" -> "971"); kNoIndex when no department has that prefix.
std::uint32_t department_by_prefix(const Cog& cog, const std::string& code) {
  if (code.size() >= 3)
    if (const std::uint32_t d = cog.find_department(code.substr(0, 3)); d != kNoIndex) return d;
  if (code.size() >= 2) return cog.find_department(code.substr(0, 2));
  return kNoIndex;
}

// Department, EPCI and region of every commune, for the keys the layer does not provide itself.
void add_cog_groupings(Territory& t, const Cog& cog, const LoadOptions& o, LoadReport& report) {
  auto layer_has = [&](const char* key) {
    return std::any_of(o.group_fields.begin(), o.group_fields.end(),
                       [&](const GroupField& g) { return g.key == key; });
  };
  std::vector<std::uint32_t> dep(t.size(), kNoIndex), reg(t.size(), kNoIndex),
      epci(t.size(), kNoIndex);
  std::set<std::uint32_t> in_scope;
  std::vector<bool> placed(cog.size(), false);
  for (CommuneId c = 0; c < t.size(); ++c) {
    const CodeMatch m = cog.match(t.code[c]);
    if (m.kind == CodeKind::current) {
      placed[m.commune] = true;
      in_scope.insert(cog.department[m.commune]);
      dep[c] = cog.department[m.commune];
      reg[c] = cog.region[m.commune];
      epci[c] = cog.epci[m.commune];
    } else if ((dep[c] = department_by_prefix(cog, t.code[c])) != kNoIndex) {
      reg[c] = cog.department_region[dep[c]];
    }
  }
  const std::pair<const char*, std::pair<const std::vector<std::uint32_t>*, const NamedCodes*>>
      groupings[] = {{"department", {&dep, &cog.departments}},
                     {"epci", {&epci, &cog.epcis}},
                     {"region", {&reg, &cog.regions}}};
  for (const auto& [key, source] : groupings) {
    if (layer_has(key)) continue;
    t.grouping_or_add(key);
  }
  for (const auto& [key, source] : groupings) {
    if (layer_has(key)) continue;
    Grouping& g = t.grouping_or_add(key);
    detail::GroupInterner intern(g);
    const auto& [of, names] = source;
    for (CommuneId c = 0; c < t.size(); ++c)
      if ((*of)[c] != kNoIndex) g.of[c] = intern(names->code[(*of)[c]], names->name[(*of)[c]]);
    // Members in the whole COG, so reports can flag a group the territory's edge cuts.
    const std::vector<std::uint32_t>& cog_of = key == std::string_view("department")
                                                   ? cog.department
                                               : key == std::string_view("epci") ? cog.epci
                                                                                 : cog.region;
    std::unordered_map<std::string, std::uint32_t> members;
    for (std::uint32_t k = 0; k < cog.size(); ++k)
      if (cog_of[k] != kNoIndex) ++members[names->code[cog_of[k]]];
    g.full_size.assign(g.size(), 0);
    for (GroupId id = 0; id < g.size(); ++id) g.full_size[id] = members[g.codes[id]];
  }
  for (std::uint32_t k = 0; k < cog.size(); ++k) {
    if (!in_scope.count(cog.department[k])) continue;
    report.population_in_scope += cog.population[k];
    if (placed[k]) continue;
    report.unplaced.push_back(
        {cog.code[k], cog.name[k], cog.departments.code[cog.department[k]], cog.population[k]});
    report.population_unplaced += cog.population[k];
  }
}

// Group values of the layer, taken from each commune's primary feature; parts that disagree
// are reported.
void add_layer_groupings(Territory& t, const Features& f, const Slots& s, const LoadOptions& o,
                         LoadReport& report) {
  for (const GroupField& g : o.group_fields) t.grouping_or_add(g.key);
  for (std::size_t k = 0; k < o.group_fields.size(); ++k) {
    Grouping& g = t.grouping_or_add(o.group_fields[k].key);
    detail::GroupInterner intern(g);
    const std::vector<std::string>& codes = f.group_code[k];
    for (CommuneId c = 0; c < t.size(); ++c) {
      const std::size_t p = s.primary[c];
      if (!codes[p].empty()) g.of[c] = intern(codes[p], f.group_name[k][p]);
      for (std::size_t i : s.parts(c))
        if (codes[i] != codes[p])
          report.warnings.push_back(f.files[f.file[i]] + " " + f.where(i) + ": " + g.key + " '" +
                                    codes[i] + "' differs from '" + codes[p] + "' of " +
                                    f.where(p) + " in the same commune; kept '" + codes[p] + "'");
    }
  }
}

std::string describe_sources(const std::vector<std::filesystem::path>& inputs) {
  if (inputs.size() <= 3) {
    std::string s;
    for (const auto& p : inputs) s += (s.empty() ? "" : ", ") + p.string();
    return s;
  }
  return inputs.front().string() + " ... " + inputs.back().string() + " (" +
         std::to_string(inputs.size()) + " files)";
}

}  // namespace

LoadResult load_territory(const LoadOptions& o, Progress& progress) {
  check_options(o);
  LoadResult result;
  LoadReport& report = result.report;
  for (const auto& p : o.inputs) report.inputs.push_back(p.string());
  report.target_crs = o.target_crs;
  report.target_epsg = target_crs_epsg(o.target_crs);

  // The COG (8 MB of JSON) parses while the layers are read.
  detail::ReadOutcome read;
  std::optional<Cog> cog;
  std::optional<CodeMapping> mapping;
  tbb::parallel_invoke([&] { read = detail::read_features(o, progress); },
                       [&] {
                         if (o.cog) cog = read_cog(o.cog->dir);
                         if (!o.code_mapping.empty())
                           mapping = read_code_mapping(o.code_mapping, o.access);
                       });
  Features& f = read.features;
  report.source_crs = read.source_crs;
  report.warnings = std::move(read.warnings);
  report.features_read = f.size();
  if (cog) report.cog = cog->source;
  check_duplicate_codes(f, !o.name_field.empty());

  Contexts contexts;
  repair_all(f, o.repair, contexts, report, progress);

  Plan plan;
  plan.target.resize(f.size());
  plan.reason.resize(f.size());
  plan.border_m.assign(f.size(), 0);
  plan.kept_why.resize(f.size());
  const std::vector<std::size_t> unknown =
      plan_codes(f, o, cog ? &*cog : nullptr, mapping ? &*mapping : nullptr, plan, report);
  if (!unknown.empty() && o.cog->unknown_codes == UnknownCodePolicy::merge_neighbour) {
    merge_into_neighbours(f, unknown, o.cog->border_tolerance_m, contexts, plan, progress);
  } else {
    for (std::size_t i : unknown) {
      plan.target[i] = f.code[i];
      plan.kept_why[i] = "not in the COG (policy keep)";
    }
  }
  const Slots slots = group_by_target(f, plan, report);
  Built built = dissolve_all(f, slots, contexts, progress);

  Territory& t = result.territory;
  t.epsg = report.target_epsg;
  t.source = describe_sources(o.inputs);
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const std::size_t p = slots.primary[k];
    const CodeMatch m = cog ? cog->match(slots.code[k]) : CodeMatch{};
    const bool current = m.kind == CodeKind::current;
    double population = 0, priority = 0;
    for (std::size_t i : slots.parts(k)) {
      population += f.population[i];
      priority += f.priority_population[i];
    }
    if (current && o.population_field.empty()) population = cog->population[m.commune];
    t.add(slots.code[k], current ? cog->name[m.commune] : f.name[p], population,
          std::move(built.shape[k]), built.demand[k]);
    t.priority_population.back() = priority;
  }
  add_layer_groupings(t, f, slots, o, report);
  if (cog) add_cog_groupings(t, *cog, o, report);
  order_spatially(t);  // also indexes the codes

  for (const AttributeTableOptions& table : o.tables)
    report.tables.push_back(join_attributes(t, table));
  report.communes = t.size();
  report.population_kept = std::accumulate(t.population.begin(), t.population.end(), 0.0);
  report.area_km2 = std::accumulate(t.area_km2.begin(), t.area_km2.end(), 0.0);
  return result;
}

}  // namespace covsim::geo
