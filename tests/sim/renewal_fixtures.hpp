// A hand-checkable scenario for renewal, reallocation and sweep tests: six communes on a line
// with posts added by each test, the base deployment made by sim::deploy, a coverage model and a
// Reallocator over them.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/reallocation.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim::test {

// Communes with the given populations, dense minutes and EPCI codes, neighbours in a line
// (C0–C1, C1–C2...); every commune is a candidate site; coverage thresholds 15 and 30 min.
// Tests add posts, then build().
struct Scenario {
  geo::Territory territory;
  std::vector<std::vector<float>> minutes;
  geo::TravelTable table;
  geo::Adjacency adjacency;
  // Minutes rows from the dense matrix, as geo::TravelRows gives them from a graph.
  MinutesRow rows = [this](geo::CommuneId source, std::span<const geo::CommuneId> targets,
                           bool towards) {
    std::vector<float> out;
    for (geo::CommuneId t : targets)
      out.push_back(towards ? minutes[t][source] : minutes[source][t]);
    return out;
  };
  PostTable posts;
  DeploymentOptions deploy_options;
  Deployment base;
  std::optional<CoverageModel> model;
  std::optional<Reallocator> realloc;

  Scenario(const std::vector<double>& population, std::vector<std::vector<float>> m,
           const std::vector<std::string>& epci, float cutoff)
      : territory(tiny_territory(population)),
        minutes(std::move(m)),
        table(table_from_matrix(minutes, iota_ids(population.size()), cutoff)) {
    std::vector<std::pair<geo::CommuneId, geo::CommuneId>> line;
    for (geo::CommuneId c = 0; c + 1 < population.size(); ++c) line.emplace_back(c, c + 1);
    adjacency = adjacency_from_pairs(population.size(), line);
    add_grouping(territory, "epci", epci);
  }
  Scenario(const Scenario&) = delete;

  Post& add(std::string id, geo::CommuneId home, Strategy strategy = Strategy::centrality) {
    Post p;
    p.id = std::move(id);
    p.host_type = HostType::commune;
    p.home = home;
    p.strategy = strategy;
    if (strategy != Strategy::centrality) {
      p.group_key = "epci";
      p.group = territory.grouping("epci")->of[home];
    }
    posts.posts.push_back(p);
    return posts.posts.back();
  }
  DeploymentInputs inputs() const { return {territory, table, adjacency, rows}; }
  void build(ReallocationOptions options = {}) {
    base = deploy(inputs(), posts, deploy_options);
    model.emplace(territory, table, CoverageOptions{.thresholds_minutes = {15, 30}});
    realloc.emplace(inputs(), posts, base, *model, deploy_options, std::move(options));
  }
};

// Six communes on a line, 10 min apart (C0 ... C5), populations 1000, 200, 300, 400, 500,
// 600, priority populations 50 in C4 and 100 in C5, all in EPCI E unless a test says
// otherwise; the table's cut-off is 60 min.
struct Line : Scenario {
  explicit Line(const std::vector<std::string>& epci = std::vector<std::string>(6, "E"))
      : Scenario({1000, 200, 300, 400, 500, 600}, line_minutes(6, 10), epci, 60) {
    territory.priority_population = {0, 0, 0, 0, 50, 100};
  }
};

// A w × h grid of communes `step` minutes apart (Manhattan), 4-neighbour borders, seeded
// populations of 100 to 100 + spread inhabitants; EPCIs W and E are the left and right halves.
struct Grid : Scenario {
  Grid(std::size_t w, std::size_t h, float step, std::uint64_t seed, std::uint64_t spread = 2000)
      : Scenario(populations(w * h, seed, spread), grid_minutes(w, h, step), halves(w, h), 60) {
    adjacency = grid_adjacency(w, h);
  }
  static std::vector<double> populations(std::size_t n, std::uint64_t seed, std::uint64_t spread) {
    std::mt19937_64 rng(seed);
    std::vector<double> p(n);
    for (double& x : p) x = static_cast<double>(100 + rng() % spread);
    return p;
  }
  static std::vector<std::string> halves(std::size_t w, std::size_t h) {
    std::vector<std::string> e(w * h);
    for (std::size_t i = 0; i < w * h; ++i) e[i] = (i % w) < w / 2 ? "W" : "E";
    return e;
  }
};

}  // namespace covsim::sim::test
