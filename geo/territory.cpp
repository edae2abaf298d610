#include "geo/territory.hpp"

#include "geo/error.hpp"

namespace covsim::geo {

GroupId Grouping::intern(std::string_view group_code, std::string_view group_name) {
  for (GroupId g = 0; g < codes.size(); ++g) {
    if (codes[g] == group_code) {
      if (names[g].empty() && !group_name.empty()) names[g] = group_name;
      return g;
    }
  }
  codes.emplace_back(group_code);
  names.emplace_back(group_name);
  return static_cast<GroupId>(codes.size() - 1);
}

const Grouping* Territory::grouping(std::string_view key) const {
  for (const Grouping& g : groupings)
    if (g.key == key) return &g;
  return nullptr;
}

Grouping& Territory::grouping_or_add(std::string_view key) {
  for (Grouping& g : groupings)
    if (g.key == key) {
      g.of.resize(size(), kNoGroup);
      return g;
    }
  Grouping& g = groupings.emplace_back();
  g.key = key;
  g.of.assign(size(), kNoGroup);
  return g;
}

void Territory::index_codes() {
  by_code_.clear();
  by_code_.reserve(size());
  for (CommuneId c = 0; c < size(); ++c) {
    auto [it, inserted] = by_code_.emplace(code[c], c);
    if (!inserted)
      throw InputError(source, "commune " + code[c], "code appears twice in the territory");
  }
}

std::optional<CommuneId> Territory::find(std::string_view c) const {
  auto it = by_code_.find(std::string(c));
  if (it == by_code_.end()) return std::nullopt;
  return it->second;
}

Box Territory::bounds() const {
  Box b;
  for (const MultiPolygon& m : shape) b.expand(m.bounds());
  for (const Point& p : demand) b.expand(p);
  return b;
}

CommuneId Territory::add(std::string c, std::string n, double pop, MultiPolygon s, Point d) {
  const auto id = static_cast<CommuneId>(size());
  code.push_back(std::move(c));
  name.push_back(std::move(n));
  population.push_back(pop);
  priority_population.push_back(0);
  demand.push_back(d);
  area_km2.push_back(s.area() / 1e6);
  shape.push_back(std::move(s));
  for (Grouping& g : groupings) g.of.push_back(kNoGroup);
  return id;
}

}  // namespace covsim::geo
