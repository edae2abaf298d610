#include "sim/post_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "geo/error.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

geo::Territory territory() {
  geo::Territory t = test::tiny_territory({100, 200, 300, 400});
  test::add_grouping(t, "epci", {"E1", "E1", "E2", ""});
  return t;
}

PostTable read(const std::string& csv) {
  std::istringstream in(csv);
  return read_posts_csv(in, "posts.csv", territory());
}

// The InputError thrown for `csv`, so tests can check what it names.
InputError error_of(const std::string& csv) {
  try {
    read(csv);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError for:\n" << csv;
  return InputError("", "", "");
}

TEST(PostTable, ReadsEveryColumnWithQuotesAndDefaults) {
  const PostTable t = read(
      "\xEF\xBB\xBFid,host_type,home_commune,host_name,weekly_hours,strategy,sites,group_key,"
      "group,site_count,funding,priority_bonus,contract_end,renewal,renewal_probability\r\n"
      "P1,commune,C0,\"Mairie de \"\"Trois\"\", Ouest\",28.5,centrality,C2,,,,,yes,"
      "2024-02-29,renewed,0.8\r\n"
      "P2,association,C1,,,multi_centre,C0:21.5;C1,epci,,4,,,,,\n"
      "\n"
      "P3,france_services,C2,\"two\nlines\",35,roaming,,epci,E2,,public,0,,not_renewed,\n");
  ASSERT_EQ(t.size(), 3u);
  const Post& p1 = t.posts[0];
  EXPECT_EQ(p1.id, "P1");
  EXPECT_EQ(p1.host_name, "Mairie de \"Trois\", Ouest");
  EXPECT_EQ(p1.host_type, HostType::commune);
  EXPECT_EQ(p1.home, 0u);
  EXPECT_DOUBLE_EQ(p1.weekly_hours, 28.5);
  EXPECT_EQ(p1.sites, (std::vector<PinnedSite>{{2, std::nullopt}}));
  EXPECT_EQ(p1.funding, Funding::public_body) << "communes are public hosts";
  EXPECT_TRUE(p1.priority_bonus);
  ASSERT_TRUE(p1.contract_end.has_value());
  EXPECT_EQ(format_date(*p1.contract_end), "2024-02-29");
  EXPECT_EQ(p1.renewal, Renewal::renewed);
  EXPECT_DOUBLE_EQ(p1.renewal_probability.value(), 0.8);

  const Post& p2 = t.posts[1];
  EXPECT_DOUBLE_EQ(p2.weekly_hours, 35) << "empty cell takes the default";
  EXPECT_EQ(p2.strategy, Strategy::multi_centre);
  EXPECT_EQ(p2.sites, (std::vector<PinnedSite>{{0, 21.5}, {1, std::nullopt}}))
      << "hours after ':' are the planner's split";
  EXPECT_EQ(p2.group_key, "epci");
  EXPECT_EQ(p2.group, 0u) << "group defaults to the home commune's EPCI (E1)";
  EXPECT_EQ(p2.site_count, 4u);
  EXPECT_EQ(p2.funding, Funding::private_body) << "associations are private hosts";
  EXPECT_EQ(p2.renewal, Renewal::undecided);
  EXPECT_FALSE(p2.renewal_probability.has_value());

  const Post& p3 = t.posts[2];
  EXPECT_EQ(p3.host_name, "two\nlines");
  EXPECT_EQ(p3.group, 1u);
  EXPECT_EQ(p3.renewal, Renewal::not_renewed);
  EXPECT_EQ(t.find("P3"), PostId{2});
  EXPECT_FALSE(t.find("P9").has_value());
}

TEST(PostTable, OnlyRequiredColumnsInAnyOrder) {
  const PostTable t = read("home_commune,id,host_type\nC3,A,epci\n");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.posts[0].home, 3u);
  EXPECT_EQ(t.posts[0].strategy, Strategy::centrality);
}

TEST(PostTable, StrategyAndGroupKeyByHostTypeFillEmptyCellsOnly) {
  const PostDefaults defaults{.strategy_by_host_type = {{HostType::department, Strategy::roaming},
                                                        {HostType::epci, Strategy::multi_centre}},
                              .group_key = "epci"};
  std::istringstream in(
      "id,host_type,home_commune,strategy,group_key\n"
      "D,department,C0,,\n"               // roaming by its type, grouped by the default key
      "E,epci,C2,,\n"                     // multi-centre by its type, in E2
      "F,epci,C0,centrality,\n"           // its own strategy wins, and needs no group
      "M,commune,C1,,\n"                  // no entry for communes: centrality
      "R,department,C1,roaming,epci\n");  // its own cells
  const PostTable t = read_posts_csv(in, "posts.csv", territory(), defaults);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t.posts[0].strategy, Strategy::roaming);
  EXPECT_EQ(t.posts[0].group_key, "epci");
  EXPECT_EQ(t.posts[0].group, 0u);
  EXPECT_EQ(t.posts[1].strategy, Strategy::multi_centre);
  EXPECT_EQ(t.posts[1].group, 1u);
  EXPECT_EQ(t.posts[2].strategy, Strategy::centrality);
  EXPECT_EQ(t.posts[2].group_key, "");
  EXPECT_EQ(t.posts[3].strategy, Strategy::centrality);
  EXPECT_EQ(t.posts[4].strategy, Strategy::roaming);
}

TEST(PostTable, WithoutADefaultKeyASharedStrategyStillNeedsItsGroup) {
  const PostDefaults defaults{.strategy_by_host_type = {{HostType::department, Strategy::roaming}},
                              .group_key = ""};
  std::istringstream in("id,host_type,home_commune\nD,department,C0\n");
  try {
    read_posts_csv(in, "posts.csv", territory(), defaults);
    ADD_FAILURE() << "a roaming post without group_key was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "posts.csv");
    EXPECT_NE(e.where().find("group_key"), std::string::npos) << e.what();
  }
}

struct BadCell {
  std::string row;  // after the header below
  std::string where;
  std::string problem;  // a fragment of the message
};

class PostTableRejects : public ::testing::TestWithParam<BadCell> {};

TEST_P(PostTableRejects, NamingFileLineAndColumn) {
  const BadCell& bad = GetParam();
  const InputError e = error_of(
      "id,host_type,home_commune,weekly_hours,strategy,group_key,group,funding,contract_end,"
      "renewal,renewal_probability,sites\n"
      "OK,commune,C0,,,,,,,,,\n" +
      bad.row + "\n");
  EXPECT_EQ(e.file(), "posts.csv");
  EXPECT_EQ(e.where(), bad.where);
  EXPECT_NE(e.problem().find(bad.problem), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    Cells, PostTableRejects,
    ::testing::Values(
        BadCell{"P,commune,99999,,,,,,,,,", "line 3, column home_commune", "\"99999\" is not"},
        BadCell{"P,commune,C0,-2,,,,,,,,", "line 3, column weekly_hours", "> 0"},
        BadCell{"P,commune,C0,0,,,,,,,,", "line 3, column weekly_hours", "> 0"},
        BadCell{"P,commune,C0,nan,,,,,,,,", "line 3, column weekly_hours", "not a finite"},
        BadCell{"P,commune,C0,12h,,,,,,,,", "line 3, column weekly_hours", "not a finite"},
        BadCell{"P,mairie,C0,,,,,,,,,", "line 3, column host_type",
                "commune, epci, department, metropole, association, social_centre, "
                "france_services, other"},
        BadCell{"P,commune,C0,,flying,,,,,,,", "line 3, column strategy",
                "centrality, multi_centre, roaming"},
        BadCell{"P,commune,C0,,,,,,,maybe,,", "line 3, column renewal",
                "renewed, not_renewed, undecided"},
        BadCell{"P,commune,C0,,,,,,2023-02-29,,,", "line 3, column contract_end",
                "not a calendar date"},
        BadCell{"P,commune,C0,,,,,,31/12/2024,,,", "line 3, column contract_end",
                "not a calendar date"},
        BadCell{"P,commune,C0,,,,,,,,1.5,", "line 3, column renewal_probability", "[0, 1]"},
        BadCell{"P,commune,C0,,,,,,,,-0.1,", "line 3, column renewal_probability", "[0, 1]"},
        BadCell{"P,other,C0,,,,,,,,,", "line 3, column funding", "required for host type other"},
        BadCell{"P,commune,C0,,,,,semi,,,,", "line 3, column funding", "public, private"},
        BadCell{"P,commune,C0,,,,,,,,,C1;;C2", "line 3, column sites", "an empty item"},
        BadCell{"P,commune,C0,,,,,,,,,C1:abc", "line 3, column sites", "number > 0"},
        BadCell{"P,commune,C0,,,,,,,,,C1:0", "line 3, column sites", "number > 0"},
        BadCell{"P,commune,C0,20,,,,,,,,C1:30", "line 3, sites", "exceed the post's weekly"},
        BadCell{"P,commune,C0,20,,,,,,,,C1:15", "line 3, sites", "make it multi_centre"},
        BadCell{"P,commune,C0,,,,,,,,,C1;C7", "line 3, column sites", "\"C7\" is not"},
        BadCell{"P,commune,C3,,roaming,epci,,,,,,", "line 3, column group",
                "belongs to no \"epci\""},
        BadCell{"P,commune,C0,,roaming,canton,,,,,,", "line 3, column group_key",
                "no grouping \"canton\""},
        BadCell{"P,commune,C0,,roaming,epci,E9,,,,,", "line 3, column group", "no epci \"E9\""},
        BadCell{"P,commune,C0,,multi_centre,,,,,,,", "line 3, group_key", "needs the grouping"},
        BadCell{"P,commune,C0,,centrality,,,,,,,C1;C2", "line 3, sites", "one site"},
        BadCell{"OK,commune,C1,,,,,,,,,", "line 3, column id", "already used on line 2"},
        BadCell{"P,commune,C0,,,,,,,", "line 3", "10 fields, the header has 12"},
        BadCell{"P,commune,\"C0\"x,,,,,,,,,", "line 3", "after the closing quote"},
        BadCell{"P,commune,\"C0,,,,,,,,,", "line 3", "never closed"}));

TEST(PostTable, ReadsATeamPostsBasinRoundAndStops) {
  const PostTable t = read(
      "id,host_type,home_commune,strategy,group_key,communes,round,max_stops,sites\n"
      "R,epci,C0,roaming,epci,C0;C1,fortnightly,5,C1:7\n"
      "F,epci,C1,centrality,epci,,,,\n");
  const Post& r = t.posts[0];
  EXPECT_EQ(r.communes, (std::vector<geo::CommuneId>{0, 1}));
  EXPECT_EQ(r.round, RoundKind::fortnightly);
  EXPECT_EQ(r.max_stops, 5u);
  EXPECT_EQ(r.sites, (std::vector<PinnedSite>{{1, 7.0}}));
  EXPECT_TRUE(in_team(r));
  EXPECT_TRUE(in_team(t.posts[1])) << "a centrality post given a group joins the team";
  const InputError e = error_of(
      "id,host_type,home_commune,strategy,group_key,round\n"
      "R,epci,C0,roaming,epci,daily\n");
  EXPECT_EQ(e.where(), "line 2, column round");
  EXPECT_NE(e.problem().find("weekly, fortnightly, monthly, campaigns"), std::string::npos);
}

TEST(PostTable, RejectsHeaderProblems) {
  EXPECT_NE(error_of("id,host_type\nP,commune\n").problem().find("\"home_commune\" is missing"),
            std::string::npos);
  const InputError unknown = error_of("id,host_type,home_commune,hours\n");
  EXPECT_EQ(unknown.where(), "line 1, column 4");
  EXPECT_NE(unknown.problem().find("unknown column \"hours\""), std::string::npos);
  EXPECT_NE(error_of("id,id,host_type,home_commune\n").problem().find("appears twice"),
            std::string::npos);
  EXPECT_NE(error_of("").problem().find("no header"), std::string::npos);
}

TEST(PostTable, MissingFileIsAnInputError) {
  EXPECT_THROW(read_posts_csv(std::filesystem::path("/nonexistent/posts.csv"), territory()),
               InputError);
}

TEST(Post, ValidateChecksWhatTheSchemeLoaderFills) {
  const geo::Territory t = territory();
  Post p{.id = "Y1", .home = 1};
  EXPECT_NO_THROW(validate(p, t, "scenario.yaml", "posts[0]"));
  p.weekly_hours = std::numeric_limits<double>::quiet_NaN();
  try {
    validate(p, t, "scenario.yaml", "posts[0]");
    ADD_FAILURE() << "NaN hours accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "posts[0], weekly_hours");
  }
  p.weekly_hours = 35;
  p.home = 4;
  EXPECT_THROW(validate(p, t, "s", "w"), InputError);
  p.home = 0;
  p.strategy = Strategy::roaming;
  p.group_key = "epci";
  p.group = 0;
  EXPECT_NO_THROW(validate(p, t, "s", "w"));
  p.sites = {{1, 20.0}};
  EXPECT_NO_THROW(validate(p, t, "s", "w")) << "a roaming post may name a stop and its hours";
  p.sites = {{1, 20.0}, {2, 20.0}};
  EXPECT_THROW(validate(p, t, "s", "w"), InputError) << "40 pinned hours in a 35-hour post";
  p.sites = {{1, 10.0}, {1, std::nullopt}};
  EXPECT_THROW(validate(p, t, "s", "w"), InputError) << "a site named twice";
  p.sites = {{1, -1.0}};
  EXPECT_THROW(validate(p, t, "s", "w"), InputError) << "hours must be > 0";
  p.sites.clear();
  p.strategy = Strategy::centrality;
  p.group_key.clear();
  p.group = geo::kNoGroup;
  p.communes = {1, 2};
  EXPECT_THROW(validate(p, t, "s", "w"), InputError) << "a basin belongs to a team";
  const std::vector<Post> twice{Post{.id = "A"}, Post{.id = "A"}};
  EXPECT_THROW(validate(twice, t, "s"), InputError);
}

TEST(Post, NamesRoundTripAndDatesAreCalendarDays) {
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(parse_host_type(name(static_cast<HostType>(i))), static_cast<HostType>(i));
  EXPECT_EQ(parse_strategy("multi_centre"), Strategy::multi_centre);
  EXPECT_EQ(parse_funding("private"), Funding::private_body);
  EXPECT_FALSE(parse_renewal("Renewed").has_value()) << "spellings are exact";
  EXPECT_TRUE(parse_date("2000-02-29").has_value());
  EXPECT_FALSE(parse_date("1900-02-29").has_value());
  EXPECT_FALSE(parse_date("2024-13-01").has_value());
  EXPECT_FALSE(parse_date("2024-1-01").has_value());
  EXPECT_LT(*parse_date("2024-06-30"), *parse_date("2024-07-01"));
}

}  // namespace
}  // namespace covsim::sim
