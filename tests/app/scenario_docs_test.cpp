// scenarios/README.md documents every key app/scenario.cpp accepts and every key the presets
// use: a key added to the reader or to a preset without a line in the README fails here.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/scenario.hpp"
#include "tests/test_data.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  EXPECT_TRUE(in) << p;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string& readme() {
  static const std::string text = slurp(covsim::test::source_dir() / "scenarios" / "README.md");
  return text;
}

// First cells of the README's tables: "| `travel.adjacency.speed_kmh` | ..." documents that path.
std::set<std::string> documented_paths() {
  std::set<std::string> out;
  const std::regex row(R"(^\| `([A-Za-z0-9_.\[\]]+)` \|)", std::regex::multiline);
  for (std::sregex_iterator it(readme().begin(), readme().end(), row), end; it != end; ++it)
    out.insert((*it)[1]);
  return out;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct SourceKey {
  std::string parent;  // "" for top-level keys and post columns
  std::string key;
};

std::vector<std::string> literals(const std::string& list) {
  std::vector<std::string> out;
  const std::regex lit(R"re("([^"]*)")re");
  for (std::sregex_iterator it(list.begin(), list.end(), lit), end; it != end; ++it)
    out.push_back((*it)[1]);
  return out;
}

// The allowed-key lists of app/scenario.cpp: section("x", {...}), list("x", {...}), the root
// list given to load_string and kPostKeys.
std::vector<SourceKey> source_keys() {
  const std::string src = slurp(covsim::test::source_dir() / "app" / "scenario.cpp");
  std::vector<SourceKey> out;
  const std::regex nested(R"re((?:section|list)\(\s*"(\w+)",\s*\{([^}]*)\})re");
  for (std::sregex_iterator it(src.begin(), src.end(), nested), end; it != end; ++it)
    for (const std::string& k : literals((*it)[2])) out.push_back({(*it)[1], k});
  const std::regex flat(R"re((?:load_string\([^{]*|kPostKeys = )\{([^}]*)\})re");
  for (std::sregex_iterator it(src.begin(), src.end(), flat), end; it != end; ++it)
    for (const std::string& k : literals((*it)[1])) out.push_back({"", k});
  return out;
}

bool documents(const std::set<std::string>& paths, const SourceKey& k) {
  for (const std::string& p : paths) {
    if (k.parent.empty()
            ? p == k.key
            : ends_with(p, k.parent + "." + k.key) || ends_with(p, k.parent + "[]." + k.key))
      return true;
  }
  return false;
}

// Dotted paths of every key of a YAML document; list entries are "[]". Inline posts use the
// column names, documented once for the CSV and the YAML alike. Road speeds are keyed by road
// classes, not by keys of the format.
void key_paths(const YAML::Node& node, const std::string& path, std::set<std::string>& out) {
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) key_paths(item, path + "[]", out);
    return;
  }
  if (!node.IsMap() || path == "travel.road.speeds") return;
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const std::string child =
        path == "posts.list[]" ? key : (path.empty() ? key : path + "." + key);
    out.insert(child);
    key_paths(kv.second, child, out);
  }
}

std::vector<std::string> undocumented(const std::string& yaml) {
  std::set<std::string> used;
  key_paths(YAML::Load(yaml), "", used);
  const std::set<std::string> docs = documented_paths();
  std::vector<std::string> out;
  for (const std::string& u : used)
    if (!docs.count(u)) out.push_back(u);
  return out;
}

std::vector<fs::path> presets() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(covsim::test::source_dir() / "scenarios"))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ScenarioDocs, EveryKeyTheReaderAcceptsIsDocumented) {
  const std::vector<SourceKey> keys = source_keys();
  // The reader accepts well over a hundred keys; far fewer means the extraction broke.
  ASSERT_GE(keys.size(), 120u);
  auto has = [&](const std::string& parent, const std::string& key) {
    for (const SourceKey& k : keys)
      if (k.parent == parent && k.key == key) return true;
    return false;
  };
  EXPECT_TRUE(has("adjacency", "detour_factor"));
  EXPECT_TRUE(has("protected_hours", "weekly_hours"));
  EXPECT_TRUE(has("", "renewal_probability"));
  EXPECT_TRUE(has("", "territory"));
  const std::set<std::string> docs = documented_paths();
  for (const SourceKey& k : keys)
    EXPECT_TRUE(documents(docs, k))
        << "scenarios/README.md does not document '" << (k.parent.empty() ? "" : k.parent + ".")
        << k.key << "' (accepted by app/scenario.cpp)";
}

TEST(ScenarioDocs, EveryKeyOfEveryPresetIsDocumented) {
  const std::vector<fs::path> files = presets();
  ASSERT_GE(files.size(), 4u);  // the default and the three DOMAIN.md presets
  std::set<std::string> all;
  for (const fs::path& f : files) {
    key_paths(YAML::LoadFile(f.string()), "", all);
    for (const std::string& key : undocumented(slurp(f)))
      ADD_FAILURE() << f.filename() << ": key '" << key << "' is not in scenarios/README.md";
  }
  EXPECT_GE(all.size(), 60u);
}

TEST(ScenarioDocs, TheCheckFindsAnUndocumentedKey) {
  EXPECT_TRUE(undocumented("travel: {model: od, cutoff_minutes: 30}").empty());
  EXPECT_EQ(undocumented("travel: {cutof_minutes: 30}"),
            std::vector<std::string>{"travel.cutof_minutes"});
  EXPECT_EQ(undocumented("renewal: {rules: [{nam: x}]}"),
            std::vector<std::string>{"renewal.rules[].nam"});
}

TEST(ScenarioDocs, TheAnnotatedExampleIsAValidScenario) {
  const std::string& text = readme();
  const auto start = text.find("```yaml\n");
  ASSERT_NE(start, std::string::npos);
  const auto end = text.find("```\n", start + 8);
  ASSERT_NE(end, std::string::npos);
  const std::string yaml = text.substr(start + 8, end - start - 8);
  EXPECT_TRUE(undocumented(yaml).empty());
  const covsim::app::Scenario s = covsim::app::parse_scenario(yaml, "README.md", "/tmp");
  EXPECT_EQ(s.name, "Two renewal policies on a generated department");
  ASSERT_TRUE(s.territory.synthetic);
  EXPECT_EQ(s.territory.synthetic->communes, 150);
  EXPECT_EQ(s.posts.inline_posts.size(), 5u);
  EXPECT_EQ(s.posts.inline_posts[3].cells.at("sites"), "99010:21");
  EXPECT_EQ(s.deployment.roaming.round.max_stops, 8u);
  ASSERT_TRUE(s.renewal);
  EXPECT_EQ(s.renewal->rules.rules.size(), 2u);
  ASSERT_TRUE(s.sweep);
  EXPECT_EQ(s.sweep->grid.non_renewal_rates, (std::vector<double>{0, 0.3, 0.6}));
  EXPECT_EQ(s.output.dir, fs::path("/tmp/out"));
}

}  // namespace
