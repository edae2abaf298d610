// A draw recomputed where it changes things (sim/draw_coverage.hpp) against the full
// computation (CoverageModel::compute and summarise) on the generated default territory: every
// field of every commune and every summary figure a sweep reads must be the same bits, over
// seeded random draws taken one after the other on one scratch (each draw undoes the last).
#include "sim/draw_coverage.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <nlohmann/json.hpp>
#include <random>
#include <tuple>
#include <utility>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/travel_table.hpp"
#include "sim/deployment.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/sweep.hpp"
#include "tests/sim/sweep_json.hpp"

namespace covsim::sim {
namespace {

struct World {
  geo::Territory territory = geo::generate_territory({});
  geo::Adjacency adjacency = geo::build_adjacency(territory);
  geo::TravelGraph graph = geo::adjacency_travel_graph(territory, adjacency, {});
  geo::TravelTable table = geo::build_travel_table(graph, geo::all_communes(territory), 45);
  PostTable posts;
  Deployment base;

  // Per EPCI a centrality post at the seat and a second one there (two posts pooling one
  // row), two multi-centre and a roaming post.
  World() {
    const geo::Grouping& epci = *territory.grouping("epci");
    for (geo::GroupId g = 0; g < epci.size(); ++g) {
      geo::CommuneId seat = kNoCommune;
      for (geo::CommuneId c = 0; c < territory.size(); ++c)
        if (epci.of[c] == g &&
            (seat == kNoCommune || territory.population[c] > territory.population[seat]))
          seat = c;
      auto add = [&](const std::string& id, Strategy s, double hours) {
        Post p{.id = epci.codes[g] + id,
               .host_type = HostType::epci,
               .home = seat,
               .weekly_hours = hours,
               .strategy = s};
        if (s != Strategy::centrality) {
          p.group_key = "epci";
          p.group = g;
        }
        posts.posts.push_back(p);
      };
      add("-c1", Strategy::centrality, 35);
      add("-c2", Strategy::centrality, 17.5);
      add("-m1", Strategy::multi_centre, 35);
      add("-m2", Strategy::multi_centre, 24);
      add("-r", Strategy::roaming, 35);
    }
    base = deploy({territory, table, adjacency, minutes_row_on(graph)}, posts, {});
  }
};

const World& world() {
  static const World w;
  return w;
}

template <typename T>
void expect_bits(const std::vector<T>& a, const std::vector<T>& b, const char* what, int draw) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
      ASSERT_EQ(std::bit_cast<Bits>(a[i]), std::bit_cast<Bits>(b[i]))
          << what << "[" << i << "] in draw " << draw << ": " << a[i] << " vs " << b[i];
    } else {
      ASSERT_EQ(a[i], b[i]) << what << "[" << i << "] in draw " << draw;
    }
  }
}

void expect_bits(double a, double b, const char* what, int draw) {
  expect_bits(std::vector<double>{a}, std::vector<double>{b}, what, draw);
}

// `draws` draws, each post lost with the draw's own rate (from none lost to all lost).
void compare_draws(const geo::Territory& territory, const CoverageOptions& options, int draws) {
  const World& w = world();
  const CoverageModel model(territory, w.table, options);
  const DrawCoverage incremental(model, w.base);
  DrawScratch scratch;
  DrawSummary summary;
  CoverageScratch full_scratch;
  CommuneCoverage full;
  GroupCoverage groups;
  std::mt19937_64 rng(11);
  std::vector<std::uint8_t> active(w.posts.size());
  std::size_t recomputed = 0, moved = 0;
  for (int d = 0; d < draws; ++d) {
    // None lost, all lost, none again (a draw undoing one that moved everything), then random.
    const double rate = d == 0 || d == 2 ? 0.0
                        : d == 1         ? 1.0
                                         : std::uniform_real_distribution(0.0, 1.0)(rng);
    for (std::uint8_t& a : active) a = std::uniform_real_distribution(0.0, 1.0)(rng) >= rate;
    model.compute(w.base, active, full_scratch, full);
    model.summarise(full, full_scratch, groups);
    incremental.evaluate(active, scratch);
    incremental.summarise(scratch, summary);
    // Filled on demand, over what the last draw filled left in the arrays: one draw in three
    // is not filled, so the next fill undoes a draw before the last.
    if (d % 3 != 1) {
      const CommuneCoverage& a = incremental.coverage(scratch);
      const auto commune_fields = std::make_tuple(
          std::pair{&CommuneCoverage::nearest_minutes, "nearest_minutes"},
          std::pair{&CommuneCoverage::nearest_site, "nearest_site"},
          std::pair{&CommuneCoverage::reached, "reached"},
          std::pair{&CommuneCoverage::access, "access"},
          std::pair{&CommuneCoverage::visits_per_month, "visits_per_month"},
          std::pair{&CommuneCoverage::presence_hours_per_month, "presence_hours_per_month"},
          std::pair{&CommuneCoverage::has_permanence, "has_permanence"},
          std::pair{&CommuneCoverage::gap, "gap"});
      std::apply(
          [&](const auto&... f) { (expect_bits(a.*f.first, full.*f.first, f.second, d), ...); },
          commune_fields);
    }
    const auto group_fields = std::make_tuple(
        std::tuple{&DrawSummary::population, &GroupCoverage::population, "pop"},
        std::tuple{&DrawSummary::reached, &GroupCoverage::reached, "reached pop"},
        std::tuple{&DrawSummary::priority_reached, &GroupCoverage::priority_reached,
                   "priority reached"},
        std::tuple{&DrawSummary::gap_population, &GroupCoverage::gap_population, "gap population"},
        std::tuple{&DrawSummary::priority_gap_population, &GroupCoverage::priority_gap_population,
                   "priority gap"});
    std::apply(
        [&](const auto&... f) {
          (expect_bits(summary.*std::get<0>(f), groups.*std::get<1>(f), std::get<2>(f), d), ...);
        },
        group_fields);
    expect_bits(summary.mean_access, groups.mean_access[0], "mean access", d);
    expect_bits(summary.gini_access, groups.gini_access[0], "Gini", d);
    // What a draw lists as moved is exactly what differs from the baseline.
    const CommuneCoverage& b = incremental.baseline();
    std::vector<geo::CommuneId> differ;
    for (geo::CommuneId c = 0; c < territory.size(); ++c)
      if (full.nearest_minutes[c] != b.nearest_minutes[c] || full.reached[c] != b.reached[c] ||
          full.has_permanence[c] != b.has_permanence[c])
        differ.push_back(c);
    std::vector<geo::CommuneId> listed;
    for (const DrawChange& x : scratch.changes()) {
      if (x.moved) listed.push_back(x.commune);
      // Every record's figures are the full computation's, before and after.
      ASSERT_EQ(x.nearest_minutes, full.nearest_minutes[x.commune]) << "draw " << d;
      ASSERT_EQ(x.reached, full.reached[x.commune]) << "draw " << d;
      ASSERT_EQ(x.gap, full.gap[x.commune]) << "draw " << d;
      ASSERT_EQ(x.has_permanence, full.has_permanence[x.commune]) << "draw " << d;
      ASSERT_EQ(x.base_nearest_minutes, b.nearest_minutes[x.commune]) << "draw " << d;
      ASSERT_EQ(x.base_reached, b.reached[x.commune]) << "draw " << d;
      ASSERT_EQ(x.base_gap, b.gap[x.commune]) << "draw " << d;
      ASSERT_EQ(x.base_has_permanence, b.has_permanence[x.commune]) << "draw " << d;
    }
    ASSERT_EQ(listed, differ) << "draw " << d;
    recomputed += scratch.changed.size();
    moved += listed.size();
  }
  EXPECT_GT(moved, 0u) << "draws lost reach somewhere";
  EXPECT_LT(recomputed, static_cast<std::size_t>(draws) * territory.size())
      << "some communes were left as they were";
}

TEST(DrawCoverage, EqualsTheFullComputationOnRandomDraws) {
  const World& w = world();
  ASSERT_GT(w.base.circuits(), 0u);
  ASSERT_GT(w.base.sites(), 0u);
  compare_draws(w.territory, {}, 150);
  const CoverageModel model(w.territory, w.table, {});
  const DrawCoverage draws(model, w.base);
  EXPECT_TRUE(draws.exact_deltas());
  // Both ways a lost row moves access were taken: by its post's merged entries, and entry by
  // entry for the seat's row the two centrality posts pool.
  EXPECT_GT(draws.merged_slots(), 0u);
  EXPECT_GT(draws.pooled_slots(), 0u);
}

// Stops held less than three days a month give access, not reach; a 20-min catchment.
TEST(DrawCoverage, EqualsTheFullComputationWithRareStopsAndAnotherCatchment) {
  compare_draws(
      world().territory,
      {.thresholds_minutes = {10, 20, 40}, .catchment_minutes = 20, .min_visits_per_month = 3},
      100);
}

// Fractional populations: group sums cannot move by exact deltas, the summary runs in full.
TEST(DrawCoverage, EqualsTheFullComputationWithFractionalPopulations) {
  geo::Territory t = world().territory;
  for (geo::CommuneId c = 0; c < t.size(); ++c) {
    t.population[c] *= 1.1;
    t.priority_population[c] = t.population[c] / 3;
  }
  compare_draws(t, {}, 60);
  EXPECT_FALSE(DrawCoverage(CoverageModel(t, world().table, {}), world().base).exact_deltas());
}

TEST(DrawCoverage, CoverageBeforeAnyDrawIsAnError) {
  const World& w = world();
  const CoverageModel model(w.territory, w.table, {});
  const DrawCoverage incremental(model, w.base);
  DrawScratch scratch;
  EXPECT_THROW(incremental.coverage(scratch), Error);
}

TEST(DrawCoverage, TooFewFlagsIsAnError) {
  const World& w = world();
  const CoverageModel model(w.territory, w.table, {});
  const DrawCoverage incremental(model, w.base);
  DrawScratch scratch;
  const std::vector<std::uint8_t> active(w.posts.size() - 1, 1);
  EXPECT_THROW(incremental.evaluate(active, scratch), Error);
}

// The Gini's sort: stable on the bits it is given, whatever the number of passes they take.
TEST(DrawCoverage, RadixSortOnSomeBitsIsAStableSortOnThem) {
  std::mt19937_64 rng(3);
  for (const auto& [low, high] : {std::pair{16, 48}, std::pair{0, 12}, std::pair{20, 57},
                                  std::pair{5, 5}, std::pair{0, 64}}) {
    std::vector<std::uint64_t> keys(5000);
    // Few distinct values on the sorted bits, so that stability is put to the test.
    for (std::uint64_t& k : keys)
      k = rng() % 64 * (rng() % 3 == 0 ? 0x1234567 : 1) << low | rng() % 1000;
    std::vector<std::uint64_t> expected = keys, buffer;
    std::vector<std::uint32_t> count;
    const auto bits = [&](std::uint64_t k) {
      return high - low >= 64 ? k : (k >> low) & ((std::uint64_t{1} << (high - low)) - 1);
    };
    std::stable_sort(expected.begin(), expected.end(),
                     [&](std::uint64_t a, std::uint64_t b) { return bits(a) < bits(b); });
    detail::radix_sort_bits(keys, buffer, count, low, high);
    EXPECT_EQ(keys, expected) << "bits " << low << " to " << high;
  }
}

// A sweep recomputing only what draws change writes what one recomputing every commune writes,
// every column of every output (figures, groups, communes), under each policy.
TEST(DrawCoverage, IncrementalSweepEqualsTheFullOne) {
  const World& w = world();
  const CoverageModel model(w.territory, w.table, {});
  const Reallocator realloc({w.territory, w.table, w.adjacency, minutes_row_on(w.graph)}, w.posts,
                            w.base, model, {}, {});
  const RenewalPlan plan = plan_renewal(w.territory, w.posts, {});
  SweepOptions options{.seed = 5,
                       .draws = 40,
                       .grid = {.non_renewal_rates = {0.1, 0.6},
                                .thresholds_minutes = {15, 30},
                                .policies = {ReallocationPolicy::none, ReallocationPolicy::absorb,
                                             ReallocationPolicy::replan}}};
  const SweepResult incremental = run_sweep(plan, realloc, options);
  ASSERT_EQ(incremental.cells.size(), 2u * 2u * 3u);  // every rate, threshold and policy
  options.incremental = false;
  EXPECT_EQ(covsim::test::exact_json(incremental).dump(),
            covsim::test::exact_json(run_sweep(plan, realloc, options)).dump());
}

}  // namespace
}  // namespace covsim::sim
