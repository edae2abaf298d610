// An advisor post: who hosts it, where it is based, how many hours it works, how it is deployed
// and what is known about its renewal. A plain value a CSV reader or the scenario loader fills,
// then checks with validate() before any simulation uses it.
//
//   Post p{.id = "P1", .host_name = "Mairie de Vitré", .home = *territory.find("35360")};
//   validate(p, territory, "scenario.yaml", "posts[0]");  // throws InputError when wrong
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/territory.hpp"

namespace covsim::sim {

using PostId = std::uint32_t;
inline constexpr PostId kNoPost = std::numeric_limits<PostId>::max();

enum class HostType : std::uint8_t {
  commune,
  epci,
  department,
  metropole,
  association,
  social_centre,
  france_services,
  other
};
enum class Strategy : std::uint8_t { centrality, multi_centre, roaming };
enum class Funding : std::uint8_t { public_body, private_body };
enum class Renewal : std::uint8_t { renewed, not_renewed, undecided };
// How a roaming post holds its permanences: one rotation through its stops every week, two
// weeks or month, or workshop campaigns held in one commune at a time (sim/roaming.hpp).
enum class RoundKind : std::uint8_t { weekly, fortnightly, monthly, campaigns };

// The spelling used in CSV and YAML ("social_centre", "multi_centre", "public", "not_renewed").
std::string_view name(HostType v);
std::string_view name(Strategy v);
std::string_view name(Funding v);
std::string_view name(Renewal v);
std::string_view name(RoundKind v);
// nullopt when `text` is not one of the spellings above; allowed_*() lists them for messages.
std::optional<HostType> parse_host_type(std::string_view text);
std::optional<Strategy> parse_strategy(std::string_view text);
std::optional<Funding> parse_funding(std::string_view text);
std::optional<Renewal> parse_renewal(std::string_view text);
std::optional<RoundKind> parse_round(std::string_view text);
std::string allowed_host_types();  // "commune, epci, ..."
std::string allowed_strategies();
std::string allowed_fundings();
std::string allowed_renewals();
std::string allowed_rounds();

// Communes, EPCIs, departments and metropoles are public bodies; associations and social
// centres private. France Services spaces and "other" hosts can be either: nullopt.
std::optional<Funding> usual_funding(HostType type);

// A calendar date (contract end). Ordered, so renewal rules can compare it with a horizon.
struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..days in month
  friend auto operator<=>(const Date&, const Date&) = default;
};
// Strict ISO form "YYYY-MM-DD" of a real calendar day; nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& d);

// A commune the planner names for a post, with the weekly hours the post works there when the
// planner says so ("three days in V, one in F"); nullopt leaves the hours to the deployment's
// rule (sim/deployment.hpp).
struct PinnedSite {
  geo::CommuneId commune = 0;
  std::optional<double> weekly_hours{};
  friend bool operator==(const PinnedSite&, const PinnedSite&) = default;
};

struct Post {
  std::string id{};         // unique within a scenario
  std::string host_name{};  // host structure, as planners name it
  HostType host_type = HostType::other;
  geo::CommuneId home = 0;   // where the host is based
  double weekly_hours = 35;  // contract hours per week, > 0
  Strategy strategy = Strategy::centrality;
  // Centrality: at most one, the named site replacing the home commune. Multi-centre: sites
  // that must be kept (the optimisation chooses the others). Roaming: stops the round must
  // hold. Hours given here are kept exactly.
  std::vector<PinnedSite> sites{};
  // The team: posts sharing a coordinating group (a grouping key of the Territory, "epci",
  // "department", and a group of it) split its communes into one basin per post. Required for
  // multi-centre and roaming posts; a centrality post with a group joins its team's split.
  std::string group_key{};
  geo::GroupId group = geo::kNoGroup;
  // The post's basin as the planner draws it; empty: the team plan draws it.
  std::vector<geo::CommuneId> communes{};
  // Multi-centre: how many sites this post holds (pinned ones included); 0 takes the
  // deployment option's default.
  std::uint32_t site_count = 0;
  // Roaming: the round (nullopt: the deployment's default) and the most permanences it holds
  // (0: the deployment's default).
  std::optional<RoundKind> round{};
  std::uint32_t max_stops = 0;
  Funding funding = Funding::public_body;
  bool priority_bonus = false;  // funded with the QPV/ZRR bonus
  std::optional<Date> contract_end{};
  Renewal renewal = Renewal::undecided;
  std::optional<double> renewal_probability{};  // in [0, 1] when known
};

// Checks what a reader cannot check field by field: commune ids within the territory, hours
// finite and > 0, probability in [0, 1], a strategy's group present and existing, no more than
// one fixed site for centrality, sites not repeated, pinned hours within the post's hours, a
// basin (`communes`) only for a post with a group.
// Throws InputError(file, where + ", " + field, problem) on the first problem found.
void validate(const Post& post, const geo::Territory& territory, const std::string& file,
              const std::string& where);

// Ids must be unique too: throws InputError naming both positions of a repeated id.
void validate(std::span<const Post> posts, const geo::Territory& territory,
              const std::string& file);

// Whether the post takes part in its group's team plan: it has a group (every multi-centre and
// roaming post; a centrality post only when one is given).
inline bool in_team(const Post& p) { return !p.group_key.empty() && p.group != geo::kNoGroup; }
// The hours the planner placed at pinned sites.
double pinned_hours(const Post& p);

}  // namespace covsim::sim
