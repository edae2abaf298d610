#include "app/territory_label.hpp"

#include "app/wording.hpp"

namespace covsim::app {

std::string group_list(const geo::Territory& t, std::string_view key,
                       std::span<const geo::GroupId> groups) {
  const geo::Grouping* g = t.grouping(key);
  std::string out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const geo::GroupId id = groups[i];
    const std::string& name = g->names[id].empty() ? g->codes[id] : g->names[id];
    out += (i == 0 ? "" : i + 1 == groups.size() ? " and " : ", ") + name;
    if (key == "department" && !g->names[id].empty()) out += " (" + g->codes[id] + ")";
  }
  return out;
}

std::vector<geo::GroupId> groups_of(const geo::Territory& t, std::string_view key,
                                    std::span<const geo::CommuneId> communes) {
  std::vector<geo::GroupId> out;
  const geo::Grouping* g = t.grouping(key);
  if (!g) return out;
  std::vector<std::uint8_t> seen(g->size(), 0);
  for (const geo::CommuneId c : communes) {
    const geo::GroupId id = g->of[c];
    if (id != geo::kNoGroup && !seen[id]) {
      seen[id] = 1;
      out.push_back(id);
    }
  }
  return out;
}

std::string territory_label(const geo::Territory& t) {
  std::vector<geo::CommuneId> all(t.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c) all[c] = c;
  const std::vector<geo::GroupId> departments = groups_of(t, "department", all);
  std::string out;
  if (departments.empty())
    out = t.source;
  else if (departments.size() <= 4)
    out = group_list(t, "department", departments);
  else
    out = counted(static_cast<double>(departments.size()), "department");
  const std::vector<geo::GroupId> epcis = groups_of(t, "epci", all);
  out += " — ";
  if (!epcis.empty()) out += counted(static_cast<double>(epcis.size()), "EPCI") + ", ";
  return out + counted(static_cast<double>(t.size()), "commune");
}

}  // namespace covsim::app
