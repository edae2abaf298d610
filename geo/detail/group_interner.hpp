// Interns group codes into a Grouping through a hash map: Grouping::intern searches linearly,
// which is quadratic when 35,000 communes are spread over 1,200 EPCIs. Internal to geo/.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "geo/territory.hpp"

namespace covsim::geo::detail {

class GroupInterner {
 public:
  // `grouping` must outlive the interner and keep its address (add groupings first).
  explicit GroupInterner(Grouping& grouping) : g_(grouping) {
    for (GroupId id = 0; id < g_.size(); ++id) ids_.emplace(g_.codes[id], id);
  }

  // Id of `code`, added when new; a name fills an empty one.
  GroupId operator()(std::string_view code, std::string_view name) {
    auto [it, added] = ids_.emplace(std::string(code), static_cast<GroupId>(g_.size()));
    if (added) {
      g_.codes.emplace_back(code);
      g_.names.emplace_back(name);
    } else if (g_.names[it->second].empty()) {
      g_.names[it->second] = name;
    }
    return it->second;
  }

 private:
  Grouping& g_;
  std::unordered_map<std::string, GroupId> ids_;
};

}  // namespace covsim::geo::detail
