// Seeded mutations of good inputs (a scenario, a posts table, a GeoJSON layer, a whole scenario
// file given to `validate`) must end in an InputError or a valid result: never a crash or another
// kind of exception. A hang is caught by the tests' CTest timeout (tests/CMakeLists.txt), not by
// timing each case, which would fail on a loaded machine or under a sanitizer. Deterministic: the
// seed of each case is printed with a failure, so a finding replays with FuzzCase(kind, seed).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "app/commands.hpp"
#include "app/scenario.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/territory_loader.hpp"
#include "sim/post_table.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_data.hpp"

namespace covsim::app {
namespace {

// Values that break parsers and arithmetic: negative, not a number, overflowing, zero, empty,
// positive doubles that are a float 0, infinite once parsed.
const std::vector<std::string> kHostileNumbers = {"-1",
                                                  "NaN",
                                                  ".nan",
                                                  "1e308",
                                                  "0",
                                                  "\"\"",
                                                  "",
                                                  "-0",
                                                  "1e-320",
                                                  "1e-300",
                                                  "1e400",
                                                  "-1e308",
                                                  "9999999999999999999"};

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// [begin, end) of every run of token characters in `s`.
std::vector<std::pair<std::size_t, std::size_t>> tokens(const std::string& s) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!is_token_char(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && is_token_char(s[j])) ++j;
    out.emplace_back(i, j);
    i = j;
  }
  return out;
}

// One to three mutations of `text`, all drawn from `seed`.
std::string mutate(std::string text, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const std::size_t rounds = 1 + pick(3);
  for (std::size_t r = 0; r < rounds && !text.empty(); ++r) {
    const auto tok = tokens(text);
    switch (pick(7)) {
      case 0: {  // byte flip
        text[pick(text.size())] ^= static_cast<char>(1u << pick(8));
        break;
      }
      case 1: {  // deletion of up to 16 bytes
        const std::size_t at = pick(text.size());
        text.erase(at, 1 + pick(16));
        break;
      }
      case 2: {  // duplication of up to 64 bytes
        const std::size_t at = pick(text.size());
        text.insert(at, text.substr(at, 1 + pick(64)));
        break;
      }
      case 3: {  // swap two tokens
        if (tok.size() < 2) break;
        auto a = tok[pick(tok.size())], b = tok[pick(tok.size())];
        if (a.first > b.first) std::swap(a, b);
        if (a.first == b.first) break;
        const std::string ta = text.substr(a.first, a.second - a.first);
        const std::string tb = text.substr(b.first, b.second - b.first);
        text.replace(b.first, tb.size(), ta);
        text.replace(a.first, ta.size(), tb);
        break;
      }
      case 5: {  // a Latin-1 byte (an accent saved by a spreadsheet in Windows-1252)
        text.insert(pick(text.size()), 1, static_cast<char>(0xE9));
        break;
      }
      case 6: {  // a whole line repeated: a key given twice
        const std::size_t at = text.rfind('\n', pick(text.size()));
        const std::size_t start = at == std::string::npos ? 0 : at + 1;
        const std::size_t end = text.find('\n', start);
        if (end != std::string::npos) text.insert(start, text.substr(start, end - start + 1));
        break;
      }
      default: {  // a number replaced by a hostile value
        std::vector<std::pair<std::size_t, std::size_t>> numbers;
        for (const auto& t : tok)
          if (std::isdigit(static_cast<unsigned char>(text[t.first])) || text[t.first] == '-')
            numbers.push_back(t);
        if (numbers.empty()) break;
        const auto n = numbers[pick(numbers.size())];
        text.replace(n.first, n.second - n.first, kHostileNumbers[pick(kHostileNumbers.size())]);
      }
    }
  }
  return text;
}

// One or two numbers (or commune and group codes, which are digits too) replaced by values a
// planner might write, sensible or not: most mutated scenarios stay well-formed, so the checks
// of meaning (thresholds, codes, hours) are what decides.
std::string mutate_values(std::string text, std::uint64_t seed) {
  static const std::vector<std::string> kValues = {
      "0",  "0.05",  "0.1",   "0.5",   "1",         "2",        "10",     "15",
      "20", "25",    "30",    "45",    "100",       "168",      "1e-300", "1e308",
      "-1", "98004", "99007", "99999", "249900010", "249999999"};
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  for (std::size_t r = 0, rounds = 1 + pick(2); r < rounds; ++r) {
    std::vector<std::pair<std::size_t, std::size_t>> numbers;
    for (const auto& t : tokens(text))
      if (std::isdigit(static_cast<unsigned char>(text[t.first]))) numbers.push_back(t);
    if (numbers.empty()) break;
    const auto n = numbers[pick(numbers.size())];
    text.replace(n.first, n.second - n.first, kValues[pick(kValues.size())]);
  }
  return text;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// Runs `f` on `cases` mutations of `input`. An InputError is a clean refusal and must say
// something; `check` judges a result; anything else thrown fails with the case's seed.
template <class F>
void fuzz(
    const std::string& kind, const std::string& input, std::uint64_t cases, F&& f,
    std::string (*mutation)(std::string, std::uint64_t) = [](std::string text, std::uint64_t seed) {
      return mutate(std::move(text), seed);
    }) {
  int refused = 0;
  for (std::uint64_t seed = 1; seed <= cases; ++seed) {
    const std::string text = mutation(input, seed);
    try {
      f(text);
    } catch (const InputError& e) {
      ++refused;
      EXPECT_FALSE(e.problem().empty()) << kind << " seed " << seed << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << kind << " seed " << seed << ": not an InputError: " << e.what()
                    << "\n--- input ---\n"
                    << text;
    }
  }
  // Mutations that never reach the checks would prove nothing.
  EXPECT_GT(refused, static_cast<int>(cases / 10)) << kind;
  EXPECT_LT(refused, static_cast<int>(cases)) << kind;
}

void expect_valid(const Scenario& s) {
  ASSERT_FALSE(s.coverage.thresholds_minutes.empty());
  for (float t : s.coverage.thresholds_minutes) EXPECT_TRUE(std::isfinite(t) && t > 0);
  EXPECT_TRUE(
      std::is_sorted(s.coverage.thresholds_minutes.begin(), s.coverage.thresholds_minutes.end()));
  EXPECT_LE(s.coverage.thresholds_minutes.back(), s.travel.cutoff_minutes);
  EXPECT_TRUE(std::isfinite(s.travel.cutoff_minutes) && s.travel.cutoff_minutes > 0);
}

TEST(Fuzz, ScenarioText) {
  fuzz("scenario", default_scenario_text(), 600,
       [](const std::string& text) { expect_valid(parse_scenario(text, "fuzz.yaml", "/base")); });
}

TEST(Fuzz, PostsCsv) {
  geo::SyntheticOptions o;
  o.seed = 3;
  o.communes = 40;
  const geo::Territory t = geo::generate_territory(o);
  // Every column, from the territory's own codes and groups.
  const std::string& epci = t.grouping("epci")->codes[0];
  std::string csv =
      "id,host_type,home_commune,host_name,weekly_hours,strategy,sites,group_key,group,"
      "site_count,funding,priority_bonus,contract_end,renewal,renewal_probability\n";
  csv += "A,commune," + t.code[0] + ",Mairie,35,centrality," + t.code[0] +
         ",,,,,false,2026-12-31,renewed,\n";
  csv += "B,epci," + t.code[1] + ",CC,28,multi_centre,,epci," + epci +
         ",2,public,yes,2026-06-30,undecided,0.5\n";
  csv += "C,association," + t.code[2] + ",Asso,17.5,roaming,,epci,,0,private,0,,not_renewed,0\n";
  fuzz("posts", csv, 600, [&](const std::string& text) {
    std::istringstream in(text);
    const sim::PostTable posts = sim::read_posts_csv(in, "fuzz.csv", t);
    for (const sim::Post& p : posts.posts) {
      EXPECT_TRUE(std::isfinite(p.weekly_hours) && p.weekly_hours > 0);
      EXPECT_LT(p.home, t.size());
    }
  });
}

TEST(Fuzz, GeoJsonLayer) {
  test::TempDir dir;
  const std::string layer = read(test::test_data() / "bad" / "two_squares.geojson");
  const std::filesystem::path file = dir / "layer.geojson";
  geo::LoadOptions o;
  o.inputs = {file};
  o.population_field = "pop";
  fuzz("geojson", layer, 300, [&](const std::string& text) {
    write(file, text);
    const geo::LoadResult r = geo::load_territory(o);
    EXPECT_GT(r.territory.size(), 0u);
    for (geo::CommuneId c = 0; c < r.territory.size(); ++c) {
      EXPECT_TRUE(std::isfinite(r.territory.population[c]) && r.territory.population[c] >= 0);
      EXPECT_FALSE(r.territory.code[c].empty());
    }
  });
}

// validate = run: a mutated scenario that validate accepts must run (and sweep) to the end;
// one it refuses must be refused by run with the same message. Never another exception.
TEST(Fuzz, ValidateAgreesWithRunAndSweep) {
  test::TempDir dir;
  const std::string scenario =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "travel: {cutoff_minutes: 30, adjacency: {speed_kmh: 50, links: [{from: \"98004\", to: "
      "\"99007\", minutes: 25}]}}\n"
      "coverage: {thresholds: [10, 20], catchment_minutes: 20}\n"
      "deployment: {multi_centre: {sites_per_post: 2, sites_by_group: [{grouping: epci, code: "
      "\"249900010\", sites: 2}]}}\n"
      "posts:\n  list:\n"
      "    - {id: A, host_type: commune, home_commune: \"98004\", weekly_hours: 35}\n"
      "    - {id: B, host_type: epci, home_commune: \"99007\", strategy: multi_centre, "
      "group_key: epci, renewal_probability: 0.5}\n"
      "    - {id: C, host_type: department, home_commune: \"99004\", strategy: roaming, "
      "group_key: epci, renewal_probability: 0.4}\n"
      "renewal:\n  reallocation: absorb\n  threshold: 20\n"
      "  absorb: {group_key: department, min_hours: 3.5}\n"
      "  protected_hours: [{post: A, weekly_hours: 10}]\n"
      "  rules: [{host_types: [department], action: transfer, transfer_to: epci, probability: "
      "0.5}]\n"
      "sweep: {draws: 3, non_renewal_rates: [0.5], thresholds: [20], policies: [none, absorb]}\n"
      "output: {dir: out, overwrite: true, vector: [], maps: [], tables: true}\n";
  const std::filesystem::path file = dir / "scenario.yaml";
  int ran = 0;
  fuzz(
      "validate = run", scenario, 30,
      [&](const std::string& text) {
        write(file, text);
        CommonOptions o;
        o.scenario = file;
        o.out_dir = dir / "out";
        std::ostringstream log;
        std::string refused;
        try {
          command_validate(o, log, null_progress());
        } catch (const InputError& e) {
          refused = e.what();
        }
        try {
          EXPECT_EQ(command_run(o, log, null_progress()), kOk);
          EXPECT_EQ(command_sweep(o, {}, log, null_progress()), kOk);
          EXPECT_EQ(refused, "") << "validate refused what run accepts";
          ++ran;
        } catch (const InputError& e) {
          EXPECT_EQ(e.what(), refused) << "run refused what validate accepted, or said otherwise";
          throw;
        }
      },
      mutate_values);
  EXPECT_GT(ran, 5) << "too few mutations ran to prove anything";
}

TEST(Fuzz, ValidateScenarioFile) {
  test::TempDir dir;
  geo::SyntheticOptions so;
  so.seed = 3;
  so.communes = 40;
  const geo::Territory t = geo::generate_territory(so);
  const std::string scenario =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "travel: {cutoff_minutes: 30, adjacency: {detour_factor: 1.3, speed_kmh: 60}}\n"
      "coverage: {thresholds: [10, 20]}\n"
      "posts:\n  list:\n"
      "    - {id: A, host_type: commune, home_commune: \"" +
      t.code[0] +
      "\", weekly_hours: 35}\n"
      "    - {id: B, host_type: epci, home_commune: \"" +
      t.code[1] +
      "\", strategy: roaming, group_key: epci}\n"
      "renewal:\n  rules:\n    - {host_types: [epci], action: probability, probability: 0.5}\n"
      "sweep: {draws: 10, non_renewal_rates: [0, 0.5], thresholds: [20]}\n";
  const std::filesystem::path file = dir / "scenario.yaml";
  fuzz("validate", scenario, 150, [&](const std::string& text) {
    write(file, text);
    CommonOptions o;
    o.scenario = file;
    std::ostringstream log;
    EXPECT_EQ(command_validate(o, log, null_progress()), kOk);
    EXPECT_NE(log.str().find("valid"), std::string::npos);
  });
}

}  // namespace
}  // namespace covsim::app
