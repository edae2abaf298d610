// The summary rows a commune adds to, in CoverageModel's layout (sim/coverage.hpp): row 0 for
// the whole territory, then one row per group of every grouping, in grouping order. Internal to
// sim/ (renewal impact and sweeps sum their own figures per row).
//
//   SummaryRows rows(territory);
//   rows.for_each(c, [&](std::size_t row) { lost[row] += population[c]; });
#pragma once

#include <cstddef>
#include <vector>

#include "geo/territory.hpp"

namespace covsim::sim::detail {

class SummaryRows {
 public:
  explicit SummaryRows(const geo::Territory& territory) : territory_(territory) {
    offset_.push_back(1);
    for (const geo::Grouping& g : territory.groupings) offset_.push_back(offset_.back() + g.size());
  }

  std::size_t size() const { return offset_.back(); }

  template <typename F>
  void for_each(geo::CommuneId c, F&& f) const {
    f(std::size_t{0});
    for (std::size_t k = 0; k < territory_.groupings.size(); ++k) {
      const geo::Grouping& g = territory_.groupings[k];
      if (c < g.of.size() && g.of[c] != geo::kNoGroup) f(offset_[k] + g.of[c]);
    }
  }

 private:
  const geo::Territory& territory_;
  std::vector<std::size_t> offset_;  // grouping k's first row; last: the row count
};

}  // namespace covsim::sim::detail
