// read_cog and read_code_mapping on the hand-made COG of tests/data/geo/territory/cog-mini,
// and on broken copies written by the tests.
#include "geo/cog_join.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/geo/ogr_fixture.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

std::filesystem::path mini() { return test::test_data() / "geo" / "territory" / "cog-mini"; }

TEST(ReadCog, ReadsCurrentCommunesWithTheirGroups) {
  const Cog cog = read_cog(mini());
  ASSERT_EQ(cog.size(), 5u);  // 35001, 35003, 35005, 35008, 22001
  const CodeMatch a = cog.match("35001");
  ASSERT_EQ(a.kind, CodeKind::current);
  EXPECT_EQ(cog.name[a.commune], "Alpha-Beta");
  EXPECT_DOUBLE_EQ(cog.population[a.commune], 1000);
  EXPECT_EQ(cog.departments.name[cog.department[a.commune]], "Ille-et-Vilaine");
  EXPECT_EQ(cog.regions.name[cog.region[a.commune]], "Bretagne");
  EXPECT_EQ(cog.epcis.code[cog.epci[a.commune]], "200000001");
  EXPECT_EQ(cog.epci[cog.match("35005").commune], kNoIndex);
  EXPECT_EQ(cog.regions.code[cog.department_region[cog.find_department("22")]], "53");
  EXPECT_EQ(cog.find_department("2A"), kNoIndex);
}

TEST(ReadCog, MatchesEveryKindOfCode) {
  const Cog cog = read_cog(mini());
  auto target = [&](const char* code) {
    const CodeMatch m = cog.match(code);
    return std::string(to_string(m.kind)) + " -> " +
           (m.commune == kNoIndex ? std::string("none") : cog.code[m.commune]);
  };
  EXPECT_EQ(target("35002"), "delegated commune -> 35001");
  EXPECT_EQ(target("35003"), "current commune -> 35003")
      << "the delegated entry with the same code comes first in the file, the current one wins";
  EXPECT_EQ(target("35004"), "former code -> 35005");
  EXPECT_EQ(target("35101"), "municipal arrondissement -> 35003");
  EXPECT_EQ(target("35102"), "associated commune -> 35005");
  EXPECT_EQ(target("35006"), "unknown code -> none");
}

TEST(Cog, ChefLieuOutranksAnciensCodes) {
  Cog cog;
  cog.add_current("A", "A", 1, 0, 0);
  cog.add_current("B", "B", 1, 0, 0);
  cog.add_part("X", CodeKind::former, 1);
  cog.add_part("X", CodeKind::delegated, 0);
  cog.add_part("X", CodeKind::former, 1);
  EXPECT_EQ(cog.match("X").kind, CodeKind::delegated);
  EXPECT_EQ(cog.match("X").commune, 0u);
}

// A copy of cog-mini with one file replaced.
class BrokenCog : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {"communes.json", "epci.json", "departements.json", "regions.json"})
      std::filesystem::copy_file(mini() / f, dir_ / f);
  }
  void replace(const char* file, const std::string& text) {
    std::ofstream(dir_ / file, std::ios::trunc) << text;
  }
  InputError error() {
    return test::input_error([&] { read_cog(dir_ / ""); });
  }
  test::ScratchDir dir_;
};

TEST_F(BrokenCog, MissingFile) {
  std::filesystem::remove(dir_ / "epci.json");
  const InputError e = error();
  EXPECT_NE(e.file().find("epci.json"), std::string::npos) << e.what();
  EXPECT_EQ(e.problem(), "cannot open the COG file");
}

TEST_F(BrokenCog, MalformedJsonGivesTheByte) {
  replace("communes.json", R"([{"code": "35001", "nom": )");
  const InputError e = error();
  EXPECT_NE(e.file().find("communes.json"), std::string::npos);
  EXPECT_EQ(e.where(), "byte 27") << "the input ends after 26 bytes: " << e.what();
  EXPECT_NE(e.problem().find("malformed JSON: parse error at line 1, column 27"), std::string::npos)
      << e.what();
}

TEST_F(BrokenCog, MissingKey) {
  replace("communes.json", R"([{"code": "35001", "nom": "A", "type": "commune-actuelle"}])");
  const InputError e = error();
  EXPECT_EQ(e.where(), "entry 0 (code 35001)");
  EXPECT_EQ(e.problem(), "missing text key 'departement'");
}

TEST_F(BrokenCog, UnknownType) {
  replace("communes.json", R"([{"code": "35001", "nom": "A", "type": "commune-fantome"}])");
  EXPECT_EQ(error().problem(), "unknown type 'commune-fantome'");
}

TEST_F(BrokenCog, ChefLieuThatIsNotCurrent) {
  replace("communes.json",
          R"([{"code": "35002", "nom": "B", "type": "commune-deleguee", "chefLieu": "35999"}])");
  const InputError e = error();
  EXPECT_EQ(e.where(), "entry 0 (code 35002)");
  EXPECT_EQ(e.problem(), "delegated commune 35002 points to 35999, which is not a current commune");
}

TEST_F(BrokenCog, CurrentCodeTwice) {
  const std::string a =
      R"({"code": "35001", "nom": "A", "type": "commune-actuelle", "departement": "35", "region": "53"})";
  replace("communes.json", "[" + a + ", " + a + "]");
  const InputError e = error();
  EXPECT_EQ(e.where(), "entry 1 (code 35001)");
  EXPECT_EQ(e.problem(), "current code appears twice");
}

TEST_F(BrokenCog, UnknownDepartment) {
  replace(
      "communes.json",
      R"([{"code": "99001", "nom": "A", "type": "commune-actuelle", "departement": "99", "region": "53"}])");
  EXPECT_EQ(error().problem(), "department 99 is not in departements.json");
}

TEST_F(BrokenCog, NegativePopulation) {
  replace(
      "communes.json",
      R"([{"code": "35001", "nom": "A", "type": "commune-actuelle", "departement": "35", "region": "53", "population": -3}])");
  EXPECT_EQ(error().problem(), "population is not a non-negative number");
}

TEST_F(BrokenCog, EpciMemberThatIsNotCurrent) {
  replace("epci.json", R"([{"code": "200000001", "nom": "CC", "membres": [{"code": "35002"}]}])");
  const InputError e = error();
  EXPECT_NE(e.file().find("epci.json"), std::string::npos);
  EXPECT_EQ(e.where(), "entry 0 (code 200000001)");
  EXPECT_EQ(e.problem(), "member '35002' is not a current commune");
}

TEST_F(BrokenCog, CommuneInTwoEpcis) {
  replace("epci.json", R"([{"code": "1", "nom": "A", "membres": [{"code": "35001"}]},
                           {"code": "2", "nom": "B", "membres": [{"code": "35001"}]}])");
  EXPECT_EQ(error().problem(), "member 35001 already belongs to EPCI 1");
}

TEST(ReadCodeMapping, ReadsOldToNewWithLines) {
  const CodeMapping m = read_code_mapping(test::test_data() / "geo" / "territory" / "mapping.csv");
  ASSERT_EQ(m.by_old_code.size(), 1u);
  EXPECT_EQ(m.by_old_code.at("35006").new_code, "35003");
  EXPECT_EQ(m.by_old_code.at("35006").where, "line 2");
}

}  // namespace
}  // namespace covsim::geo
