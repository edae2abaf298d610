// Every number of a sweep, exactly (no rounding), as JSON: the tests' way of asking "the same
// bytes?" of two sweeps and of reading a cell's figures by name. Outputs round (result.json is
// app/run_output's); determinism is checked on the exact values.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/sweep.hpp"

namespace covsim::test {

inline nlohmann::json exact_json(const sim::Summary& s) {
  return {{"count", s.count}, {"missing", s.missing}, {"mean", s.mean},
          {"min", s.min},     {"p5", s.p5},           {"p50", s.p50},
          {"p95", s.p95},     {"max", s.max},         {"resolution", s.resolution}};
}

// {"percentile_method", "cells": [{"figures": {name: summary}, "groups": [summary per row],
//  "loss_probability", "permanence_loss_probability", "expected_minutes_change"}]}
inline nlohmann::json exact_json(const sim::SweepResult& r) {
  nlohmann::json cells = nlohmann::json::array();
  for (const sim::CellResult& c : r.cells) {
    nlohmann::json figures = nlohmann::json::object();
    for (std::size_t k = 0; k < sim::sweep_figures().size(); ++k)
      figures[sim::sweep_figures()[k].name] = exact_json(c.figures[k]);
    nlohmann::json groups = nlohmann::json::array();
    for (const sim::Summary& s : c.group_without_reach) groups.push_back(exact_json(s));
    cells.push_back({{"figures", std::move(figures)},
                     {"groups", std::move(groups)},
                     {"loss_probability", c.loss_probability},
                     {"permanence_loss_probability", c.permanence_loss_probability},
                     {"expected_minutes_change", c.expected_minutes_change}});
  }
  return {{"percentile_method", sim::kPercentileMethod}, {"cells", std::move(cells)}};
}

}  // namespace covsim::test
