#include "sim/sweep.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "geo/table_writer.hpp"
#include "sim/rng.hpp"
#include "tests/sim/renewal_fixtures.hpp"
#include "tests/sim/sweep_json.hpp"

namespace covsim::sim {
namespace {

using test::Line;

std::size_t figure(const std::string& name) {
  const std::vector<FigureInfo>& f = sweep_figures();
  for (std::size_t k = 0; k < f.size(); ++k)
    if (f[k].name == name) return k;
  throw std::out_of_range(name);
}

// P0 at C0 is renewed; P1 at C5 is undecided with probability 0.5 of renewal.
struct HalfLine : Line {
  HalfLine() {
    add("P0", 0).renewal = Renewal::renewed;
    Post& p1 = add("P1", 5);
    p1.renewal_probability = 0.5;
    build();
  }
};

TEST(Sweep, GridIsTheCartesianProductRateThenThresholdThenPolicy) {
  const CoverageOptions coverage{.thresholds_minutes = {15, 20, 30}};
  const SweepGrid grid{.non_renewal_rates = {0, 0.2, 0.4, 0.6},
                       .thresholds_minutes = {15, 30},
                       .policies = {ReallocationPolicy::none, ReallocationPolicy::absorb,
                                    ReallocationPolicy::replan}};
  const std::vector<SweepCell> cells = grid_cells(grid, coverage);
  ASSERT_EQ(cells.size(), 4u * 2u * 3u);
  EXPECT_EQ(cells[0].non_renewal_rate, 0.0);
  EXPECT_EQ(cells[1].policy, ReallocationPolicy::absorb);
  EXPECT_EQ(cells[3].threshold_minutes, 30);
  EXPECT_EQ(cells[3].threshold, 2u);
  EXPECT_EQ(cells[6].non_renewal_rate, 0.2);
  EXPECT_EQ(cells[23].non_renewal_rate, 0.6);
  EXPECT_EQ(cells[23].policy, ReallocationPolicy::replan);

  const std::vector<SweepCell> one = grid_cells({}, coverage);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].non_renewal_rate, std::nullopt);
  EXPECT_EQ(one[0].threshold_minutes, 30) << "the largest threshold by default";
  EXPECT_EQ(one[0].policy, ReallocationPolicy::none);

  EXPECT_THROW(grid_cells({.thresholds_minutes = {25}}, coverage), Error);
  EXPECT_THROW(grid_cells({.non_renewal_rates = {1.5}}, coverage), Error);

  // Every cell of a run is filled, in grid order.
  const HalfLine s;
  const SweepResult r =
      run_sweep(plan_renewal(s.territory, s.posts, {}), *s.realloc,
                {.draws = 5,
                 .grid = {.non_renewal_rates = {0, 0.5},
                          .thresholds_minutes = {15, 30},
                          .policies = {ReallocationPolicy::none, ReallocationPolicy::absorb}}});
  ASSERT_EQ(r.cells.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(r.cells[i].figures.size(), sweep_figures().size());
    EXPECT_EQ(r.cells[i].figures[0].count, 5u);
  }
  EXPECT_EQ(r.cells[7].cell.policy, ReallocationPolicy::absorb);
  EXPECT_EQ(sweep_figures_table(r).rows(), 8 * sweep_figures().size());
  EXPECT_EQ(sweep_cells_table(r).rows(), 8u);
}

TEST(Sweep, ExpectedLossesByHand) {
  const HalfLine s;
  const RenewalPlan plan = plan_renewal(s.territory, s.posts, {});
  const std::uint64_t seed = 11;
  const std::uint32_t draws = 400;
  // The draws in which P1 is lost, counted independently of the sweep.
  std::uint32_t lost = 0;
  for (std::uint64_t d = 0; d < draws; ++d) lost += uniform(seed, d, fnv1a("post:P1")) >= 0.5;
  ASSERT_GT(lost, 0u);
  ASSERT_LT(lost, draws);
  const double q = static_cast<double>(lost) / draws;

  const SweepResult r = run_sweep(
      plan, *s.realloc, {.seed = seed, .draws = draws, .grid = {.thresholds_minutes = {15, 30}}});
  ASSERT_EQ(r.cells.size(), 2u);
  for (const CellResult& c : r.cells) {
    // Without P1, C4 (40 min from C0) and C5 (50 min) lose reach at 15 and at 30 min.
    EXPECT_EQ(c.loss_probability, (std::vector<double>{0, 0, 0, 0, q, q}));
    EXPECT_DOUBLE_EQ(c.figures[figure("posts_lost")].mean, q);
    EXPECT_DOUBLE_EQ(c.figures[figure("hours_lost")].mean, 35 * q);
    EXPECT_DOUBLE_EQ(c.figures[figure("population_losing_reach")].mean, 1100 * q);
    EXPECT_DOUBLE_EQ(c.figures[figure("priority_population_losing_reach")].mean, 150 * q);
    EXPECT_DOUBLE_EQ(c.figures[figure("communes_losing_reach")].max, 2);
    EXPECT_DOUBLE_EQ(c.figures[figure("communes_losing_reach")].min, 0);
    // Minutes to the nearest site, before -> without P1: C2 20 -> 20, C3 20 -> 30,
    // C4 10 -> 40, C5 0 -> 50 (all within the 60 min cut-off).
    EXPECT_EQ(c.expected_minutes_change, (std::vector<double>{0, 0, 0, 10 * q, 30 * q, 50 * q}));
    EXPECT_NEAR(c.figures[figure("mean_minutes_change")].mean,
                q * (400 * 10 + 500 * 30 + 600 * 50) / 3000.0, 1e-12);
    // Groups: row 0 the territory, row 1 EPCI E. Before renewal, C2 and C3 (20 and 30 min
    // from the nearest site) are without reach within 15 min, nobody within 30.
    const double before = c.cell.threshold_minutes == 15 ? 300 + 400 : 0;
    ASSERT_EQ(c.group_without_reach.size(), 2u);
    EXPECT_DOUBLE_EQ(c.group_without_reach[1].mean, before + 1100 * q);
    EXPECT_DOUBLE_EQ(c.group_without_reach[1].min, before);
    EXPECT_DOUBLE_EQ(c.group_without_reach[1].max, before + 1100);
  }
  EXPECT_DOUBLE_EQ(r.cells[0].figures[figure("population_reached")].mean,
                   3000 - 1100 * q - 300 - 400)
      << "within 15 min: C0, C1 always; C4, C5 when P1 renews";

  // The tables carry the same numbers.
  const Table communes = sweep_communes_table(r, s.territory, 1);
  EXPECT_EQ(communes.find("loss_probability")->reals(), r.cells[1].loss_probability);
  const Table groups = sweep_groups_table(r, 1);
  EXPECT_EQ(groups.find("without_reach_before")->reals(), (std::vector<double>{0, 0}));
  EXPECT_EQ(groups.find("mean")->reals()[0], 1100 * q);
}

TEST(Sweep, ObservedLossFrequencyMatchesTheRate) {
  // 30 posts, every one random; with rate 0.35 the losses over N draws are Binomial(30 N, 0.35).
  Line s;
  for (int i = 0; i < 30; ++i) s.add("P" + std::to_string(i), static_cast<geo::CommuneId>(i % 6));
  s.build();
  const std::uint32_t draws = 500;
  const SweepResult r =
      run_sweep(plan_renewal(s.territory, s.posts, {}), *s.realloc,
                {.seed = 3, .draws = draws, .grid = {.non_renewal_rates = {0.35}}});
  const double n = 30.0 * draws;
  const double observed = r.cells[0].figures[figure("posts_lost")].mean * draws;
  EXPECT_NEAR(observed, n * 0.35, 5 * std::sqrt(n * 0.35 * 0.65));
}

TEST(Sweep, HigherRatesOnlyEverLoseMore) {
  // Common random numbers: a post lost at rate 0.2 is lost at 0.5 too, so no commune's chance
  // of losing reach can fall when the rate rises.
  Line s;
  for (geo::CommuneId c = 0; c < 6; ++c) s.add("P" + std::to_string(c), c);
  s.build();
  const SweepResult r =
      run_sweep(plan_renewal(s.territory, s.posts, {}), *s.realloc,
                {.seed = 5, .draws = 200, .grid = {.non_renewal_rates = {0.2, 0.5, 0.8}}});
  ASSERT_EQ(r.cells.size(), 3u);
  double previous_total = 0;
  for (std::size_t k = 0; k + 1 < r.cells.size(); ++k) {
    for (geo::CommuneId c = 0; c < 6; ++c)
      EXPECT_LE(r.cells[k].loss_probability[c], r.cells[k + 1].loss_probability[c]);
    const double total = r.cells[k + 1].figures[figure("posts_lost")].mean;
    EXPECT_GT(total, previous_total);
    previous_total = total;
  }
}

TEST(Sweep, UnknownProbabilitiesNeedARate) {
  Line s;
  s.add("P0", 0);
  s.build();
  const RenewalPlan plan = plan_renewal(s.territory, s.posts, {});
  EXPECT_THROW(run_sweep(plan, *s.realloc, {.draws = 3}), Error);
  EXPECT_NO_THROW(run_sweep(plan, *s.realloc, {.draws = 3, .grid = {.non_renewal_rates = {0.5}}}));
  EXPECT_THROW(run_sweep(plan, *s.realloc, {.draws = 0, .grid = {.non_renewal_rates = {0.5}}}),
               Error);
}

// An 8 × 8 grid of communes 6 min apart (Manhattan), four EPCIs by quadrant, centrality,
// multi-centre and roaming posts: enough for threads to interleave draws.
struct Grid : test::Scenario {
  static std::vector<std::vector<float>> manhattan() {
    std::vector<std::vector<float>> m(64, std::vector<float>(64));
    for (int a = 0; a < 64; ++a)
      for (int b = 0; b < 64; ++b)
        m[a][b] = 6.0f * static_cast<float>(std::abs(a % 8 - b % 8) + std::abs(a / 8 - b / 8));
    return m;
  }
  static std::vector<double> population() {
    std::vector<double> p;
    for (int i = 0; i < 64; ++i) p.push_back(100 + (i * 7919) % 1000);
    return p;
  }
  static std::vector<std::string> quadrants() {
    std::vector<std::string> q;
    for (int i = 0; i < 64; ++i)
      q.push_back(std::string(i / 8 < 4 ? "N" : "S") + (i % 8 < 4 ? "W" : "E"));
    return q;
  }
  // `plan_cache_bytes`: memory for the team plans the reallocator keeps (ReallocationOptions).
  explicit Grid(std::size_t plan_cache_bytes = ReallocationOptions{}.plan_cache_bytes)
      : Scenario(population(), manhattan(), quadrants(), 45) {
    for (geo::CommuneId c : {0u, 5u, 18u, 27u, 36u, 45u, 58u, 63u}) add("C" + std::to_string(c), c);
    add("M1", 9, Strategy::multi_centre).site_count = 1;
    add("M2", 10, Strategy::multi_centre).site_count = 1;
    add("M3", 54, Strategy::multi_centre).site_count = 1;
    add("M4", 55, Strategy::multi_centre).site_count = 1;
    add("R1", 6, Strategy::roaming);
    add("R2", 14, Strategy::roaming);
    add("R3", 49, Strategy::roaming);
    add("R4", 57, Strategy::roaming);
    for (std::size_t p = 0; p < posts.size(); ++p)
      posts.posts[p].renewal_probability = 0.5 + 0.03 * static_cast<double>(p);
    build({.protected_hours = {{"C0", 20}, {"M1", 10}}, .plan_cache_bytes = plan_cache_bytes});
  }
};

std::string sweep_json(const Grid& g, const RenewalPlan& plan, int threads, std::uint64_t seed,
                       std::uint32_t draws = 96,
                       std::size_t summary_bytes = SweepOptions{}.summary_bytes) {
  const SweepOptions options{
      .seed = seed,
      .draws = draws,
      .grid = {.non_renewal_rates = {0.3, 0.6},
               .thresholds_minutes = {15, 30},
               .policies = {ReallocationPolicy::none, ReallocationPolicy::absorb,
                            ReallocationPolicy::replan}},
      .summary_bytes = summary_bytes};
  tbb::task_arena arena(threads);
  std::string out;
  arena.execute(
      [&] { out = covsim::test::exact_json(run_sweep(plan, *g.realloc, options)).dump(); });
  return out;
}

TEST(Sweep, SameSeedSameBytesWhateverTheThreadCount) {
  const Grid g;
  const RenewalPlan plan = plan_renewal(g.territory, g.posts, {});
  const std::string one = sweep_json(g, plan, 1, 42);
  const std::string two = sweep_json(g, plan, 2, 42);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, sweep_json(g, plan, 2, 42)) << "a second run repeats the first";
  EXPECT_NE(one, sweep_json(g, plan, 2, 43)) << "another seed draws other posts";

  // The sweep did something: absorb moved hours, replan re-planned groups, communes lost reach.
  const nlohmann::json j = nlohmann::json::parse(one);
  ASSERT_EQ(j["cells"].size(), 12u);
  EXPECT_GT(j["cells"][1]["figures"]["hours_moved"]["mean"].get<double>(), 0);
  EXPECT_GT(j["cells"][2]["figures"]["groups_replanned"]["mean"].get<double>(), 0);
  EXPECT_GT(j["cells"][0]["figures"]["communes_losing_reach"]["mean"].get<double>(), 0);
  EXPECT_EQ(j["percentile_method"].get<std::string>().rfind(
                "linear interpolation between closest ranks (Hyndman-Fan type 7)", 0),
            0u);
  EXPECT_EQ(j["cells"][0]["figures"]["population_losing_reach"]["resolution"], 0)
      << "a few draws are kept exactly";
}

// The reallocator's cache of team plans only saves work: a cache too small for one plan
// (starting afresh at every plan, while the other thread reads it) changes no byte.
TEST(Sweep, BoundedPlanCacheChangesNoFigure) {
  const Grid kept, one_plan(1);
  const RenewalPlan plan = plan_renewal(kept.territory, kept.posts, {});
  EXPECT_EQ(sweep_json(kept, plan, 2, 42), sweep_json(one_plan, plan, 2, 42));
}

// Draws on the base plan recompute only the communes they change: the same bytes as
// recomputing every commune, beside cells that re-plan (absorb, replan) in the same sweep.
TEST(Sweep, IncrementalDrawsEqualFullRecomputation) {
  const Grid g;
  const RenewalPlan plan = plan_renewal(g.territory, g.posts, {});
  SweepOptions options{.seed = 9,
                       .draws = 200,
                       .grid = {.non_renewal_rates = {0.2, 0.7},
                                .thresholds_minutes = {15, 30},
                                .policies = {ReallocationPolicy::none, ReallocationPolicy::absorb,
                                             ReallocationPolicy::replan}}};
  const std::string incremental =
      covsim::test::exact_json(run_sweep(plan, *g.realloc, options)).dump();
  options.incremental = false;
  EXPECT_EQ(incremental, covsim::test::exact_json(run_sweep(plan, *g.realloc, options)).dump());
}

// Past the draws a sweep keeps exactly (64 per figure here, over more than one block of
// draws), percentiles come from histograms: still the same bytes whatever the thread count,
// means and extremes still exact, and each percentile within its resolution of the exact one.
TEST(Sweep, BoundedMemoryKeepsDeterminismAndStaysWithinItsResolution) {
  const Grid g;
  const RenewalPlan plan = plan_renewal(g.territory, g.posts, {});
  const std::string bounded = sweep_json(g, plan, 1, 42, 1100, /*summary_bytes=*/1);
  EXPECT_EQ(bounded, sweep_json(g, plan, 2, 42, 1100, 1));
  const nlohmann::json approx = nlohmann::json::parse(bounded);
  const nlohmann::json exact = nlohmann::json::parse(sweep_json(g, plan, 2, 42, 1100));
  std::size_t histograms = 0;
  for (std::size_t c = 0; c < exact["cells"].size(); ++c)
    for (const auto& [name, e] : exact["cells"][c]["figures"].items()) {
      SCOPED_TRACE(name);
      const nlohmann::json& a = approx["cells"][c]["figures"][name];
      EXPECT_EQ(e["resolution"], 0);
      EXPECT_EQ(a["count"], e["count"]);
      EXPECT_EQ(a["mean"], e["mean"]);
      EXPECT_EQ(a["min"], e["min"]);
      EXPECT_EQ(a["max"], e["max"]);
      const double r = a["resolution"].get<double>();
      histograms += r > 0;
      for (const char* p : {"p5", "p50", "p95"})
        EXPECT_NEAR(a[p].get<double>(), e[p].get<double>(), r) << p;
    }
  EXPECT_GT(histograms, 0u);
}

TEST(Sweep, CsvOfTheFiguresHasOneLinePerCellAndFigure) {
  const HalfLine s;
  const SweepResult r =
      run_sweep(plan_renewal(s.territory, s.posts, {}), *s.realloc, {.seed = 1, .draws = 20});
  std::ostringstream csv;
  geo::write_csv(csv, sweep_figures_table(r).columns);
  const std::string text = csv.str();
  EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')),
            1 + sweep_figures().size());
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "cell,parameters,figure,unit,count,mean,min,p5,p50,p95,max,resolution\r")
      << "RFC 4180 line ends";
}

}  // namespace
}  // namespace covsim::sim
