#include "sim/run_result.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "geo/table_writer.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Three communes; C2 is 50 min away, beyond the 40 min table. One post at C0 (12.5 h), a
// roaming post holding a stop at C2 half a day a month: too rare for reach (min 1 day a
// month), not for access or presence.
struct SmallRun {
  geo::Territory territory = [] {
    geo::Territory t = test::tiny_territory({400, 100, 50});
    t.name[1] = "Saint-Jean, \"le Haut\"";
    test::add_grouping(t, "department", {"D1", "D1", ""});
    return t;
  }();
  geo::TravelTable table =
      test::table_from_matrix({{0, 20, 50}, {20, 0, 50}, {50, 50, 0}}, {0, 2}, 40);
  PostTable posts = [] {
    PostTable p;
    p.posts.push_back(Post{.id = "P1", .home = 0, .weekly_hours = 12.5});
    p.posts.push_back(Post{.id = "R1", .home = 2, .strategy = Strategy::roaming});
    return p;
  }();
  Deployment deployment = [] {
    Deployment d;
    d.site_commune = {0};
    d.site_post = {0};
    d.site_weekly_hours = {12.5};
    d.circuit_post = {1};
    d.circuit_round = {RoundKind::monthly};
    d.circuit_period_weeks = {52.0 / 12};
    d.circuit_cycle_minutes = {0};
    d.circuit_rounds_per_month = {1};
    d.circuit_year_communes_share = {NAN};
    d.circuit_year_population_share = {NAN};
    d.circuit_first = {0, 1};
    d.stop_commune = {2};
    d.stop_sessions = {1};
    d.stop_visits_per_month = {0.5};
    d.stop_presence_hours_per_month = {13};
    d.notes = {"a note"};
    return d;
  }();
  CoverageModel model{territory, table, {.thresholds_minutes = {15, 30}}};

  RunResult result() const {
    CoverageScratch scratch;
    CommuneCoverage c;
    GroupCoverage g;
    model.compute(deployment, {}, scratch, c);
    model.summarise(c, scratch, g);
    return make_run_result(territory, posts, deployment, model, c, g);
  }
};

std::vector<std::string> names(const Table& t) {
  std::vector<std::string> out;
  for (const geo::FieldColumn& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(RunResult, CommuneColumnsAreNamedTypedAndComplete) {
  const RunResult r = SmallRun().result();
  EXPECT_EQ(names(r.communes),
            (std::vector<std::string>{
                "code", "name", "department", "population", "priority_population", "basin_post",
                "nearest_minutes", "nearest_site", "reached_15_min", "reached_30_min", "access",
                "visits_per_month", "presence_hours_per_month", "has_permanence", "gap"}));
  EXPECT_EQ(r.communes.rows(), 3u);
  for (const geo::FieldColumn& c : r.communes.columns) {
    EXPECT_EQ(c.size(), 3u) << c.name;
    EXPECT_FALSE(c.description.empty()) << c.name;
  }
  EXPECT_EQ(r.communes.find("nearest_minutes")->unit, "min");
  EXPECT_EQ(r.communes.find("gap")->kind(), geo::FieldKind::boolean);
  EXPECT_EQ(r.communes.find("reached_15_min")->booleans(), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(r.communes.find("has_permanence")->booleans(), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(r.communes.find("missing"), nullptr);
  EXPECT_EQ(names(r.groups)[0], "grouping");
  EXPECT_EQ(r.groups.rows(), 2u) << "all + D1";
  EXPECT_EQ(r.groups.find("reached_30_min")->reals(), (std::vector<double>{500, 500}));
  EXPECT_EQ(r.groups.find("communes_with_permanence")->integers(),
            (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(r.sites.find("post")->texts(), std::vector<std::string>{"P1"});
  EXPECT_EQ(r.stops.find("commune")->texts(), std::vector<std::string>{"C2"});
  EXPECT_EQ(r.circuits.find("post")->texts(), std::vector<std::string>{"R1"});
  EXPECT_EQ(r.circuits.find("stops")->integers(), std::vector<std::int64_t>{1});
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_EQ(r.notes[0], "a note");
  EXPECT_EQ(r.notes[1],
            "post R1: 1 stop(s) held at most 0.50 days a month, below min_visits_per_month (1): "
            "they add to access, not to reach (C2)");
}

TEST(RunResult, CsvQuotesTextRoundsByUnitAndLeavesNoValueEmpty) {
  const RunResult r = SmallRun().result();
  std::ostringstream out;
  geo::write_csv(out, r.communes.columns);
  const std::string csv = out.str();
  ASSERT_TRUE(csv.ends_with("\r\n")) << "RFC 4180 line ends";
  std::istringstream lines(csv);
  std::string header, c0, c1, c2;
  for (std::string* line : {&header, &c0, &c1, &c2}) {
    std::getline(lines, *line);
    if (!line->empty() && line->back() == '\r') line->pop_back();
  }
  EXPECT_EQ(header,
            "code,name,department,population,priority_population,basin_post,nearest_minutes,"
            "nearest_site,reached_15_min,reached_30_min,access,visits_per_month,"
            "presence_hours_per_month,has_permanence,gap");
  // C0: R = 12.5 / (400 + 100 w(20)); the exact figure is checked in coverage_test, here only
  // that it is written to its unit's precision (hours: 0.01).
  const double a0 = r.communes.find("access")->reals()[0];
  const double w20 = (std::exp(-2.0 / 9) - std::exp(-0.5)) / (1 - std::exp(-0.5));
  EXPECT_NEAR(a0, 1e4 * 12.5 / (400 + 100 * w20), 1e-6 * a0);
  auto shortest = [](double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, end);
  };
  EXPECT_EQ(c0, "C0,Commune 0,D1,400,0,,0,C0,true,true," + shortest(std::round(a0 * 100) / 100) +
                    ",0,54.17,true,false")
      << "12.5 h/week = 54.1666... h/month";
  EXPECT_TRUE(c1.starts_with("C1,\"Saint-Jean, \"\"le Haut\"\"\",D1,100,0,,20,C0,false,true,"))
      << c1;
  // C2 is beyond the cut-off of C0 and its own stop is too rare for reach: no minutes, no
  // nearest site, no department, in a gap; but its stop gives it access (3 h a week for 50
  // inhabitants) and a permanence.
  EXPECT_EQ(c2, "C2,Commune 2,,50,0,,,,false,false,600,0.5,13,true,true");
}

TEST(RunResult, TablesAsJsonAreColumnOrientedWithNullForNoValue) {
  const RunResult r = SmallRun().result();
  const nlohmann::json communes = geo::table_json("communes", r.communes.columns);
  EXPECT_EQ(communes["rows"], 3);
  const nlohmann::json& nearest = communes["columns"][6];
  EXPECT_EQ(nearest["name"], "nearest_minutes");
  EXPECT_EQ(nearest["type"], "real");
  EXPECT_EQ(nearest["unit"], "min");
  EXPECT_EQ(nearest["values"], nlohmann::json::parse("[0.0, 20.0, null]"));
  const nlohmann::json groups = geo::table_json("groups", r.groups.columns)["columns"];
  EXPECT_EQ(groups[3]["name"], "communes");
  EXPECT_EQ(groups[3]["values"], nlohmann::json::parse("[3, 2]"));
  EXPECT_TRUE(groups[3]["values"][0].is_number_integer());
  const nlohmann::json stops = geo::table_json("stops", r.stops.columns)["columns"];
  EXPECT_EQ(stops[2]["name"], "order");
  EXPECT_EQ(stops[2]["values"], nlohmann::json::parse("[1]"));
  const nlohmann::json& gap = communes["columns"][14];
  EXPECT_EQ(gap["name"], "gap");
  EXPECT_EQ(gap["type"], "boolean");
  EXPECT_EQ(gap["values"], nlohmann::json::parse("[false, false, true]"));
  // Rounded as the CSV: access in hours to 0.01.
  const double a0 = r.communes.find("access")->reals()[0];
  EXPECT_EQ(communes["columns"][10]["values"][0].get<double>(), std::round(a0 * 100) / 100);
}

TEST(RunResult, ColumnsAreWhatGeoWritersTake) {
  const RunResult r = SmallRun().result();
  const std::vector<geo::FieldColumn>& f = r.communes.columns;
  EXPECT_EQ(f[0].kind(), geo::FieldKind::text);
  EXPECT_EQ(f[6].name, "nearest_minutes");
  EXPECT_EQ(f[6].unit, "min");
  EXPECT_TRUE(std::isnan(f[6].reals()[2])) << "+inf: no value";
  EXPECT_EQ(f[8].kind(), geo::FieldKind::boolean);
  EXPECT_EQ(f[9].booleans(), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(r.groups.columns[3].kind(), geo::FieldKind::integer);
  EXPECT_EQ(r.groups.columns[3].integers(), (std::vector<std::int64_t>{3, 2}));
  Table bad;
  EXPECT_THROW(add_numbers(bad, "count", geo::FieldKind::integer, "", "A count.",
                           {1, std::numeric_limits<double>::quiet_NaN()}),
               Error);
}

}  // namespace
}  // namespace covsim::sim
