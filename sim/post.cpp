#include "sim/post.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "geo/error.hpp"

namespace covsim::sim {

namespace {

// One table per enum, in enumerator order, so name() is an index and parse() a scan.
constexpr std::array<std::string_view, 8> kHostTypes = {
    "commune",     "epci",          "department",      "metropole",
    "association", "social_centre", "france_services", "other"};
constexpr std::array<std::string_view, 3> kStrategies = {"centrality", "multi_centre", "roaming"};
constexpr std::array<std::string_view, 2> kFundings = {"public", "private"};
constexpr std::array<std::string_view, 3> kRenewals = {"renewed", "not_renewed", "undecided"};
constexpr std::array<std::string_view, 4> kRounds = {"weekly", "fortnightly", "monthly",
                                                     "campaigns"};

template <typename E, std::size_t N>
std::optional<E> parse_in(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& names) {
  std::string s;
  for (std::string_view n : names) (s += s.empty() ? "" : ", ") += n;
  return s;
}

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string_view name(HostType v) { return kHostTypes[static_cast<std::size_t>(v)]; }
std::string_view name(Strategy v) { return kStrategies[static_cast<std::size_t>(v)]; }
std::string_view name(Funding v) { return kFundings[static_cast<std::size_t>(v)]; }
std::string_view name(Renewal v) { return kRenewals[static_cast<std::size_t>(v)]; }
std::string_view name(RoundKind v) { return kRounds[static_cast<std::size_t>(v)]; }

std::optional<HostType> parse_host_type(std::string_view t) {
  return parse_in<HostType>(kHostTypes, t);
}
std::optional<Strategy> parse_strategy(std::string_view t) {
  return parse_in<Strategy>(kStrategies, t);
}
std::optional<Funding> parse_funding(std::string_view t) { return parse_in<Funding>(kFundings, t); }
std::optional<Renewal> parse_renewal(std::string_view t) { return parse_in<Renewal>(kRenewals, t); }
std::optional<RoundKind> parse_round(std::string_view t) { return parse_in<RoundKind>(kRounds, t); }

std::string allowed_host_types() { return join(kHostTypes); }
std::string allowed_strategies() { return join(kStrategies); }
std::string allowed_fundings() { return join(kFundings); }
std::string allowed_renewals() { return join(kRenewals); }
std::string allowed_rounds() { return join(kRounds); }

double pinned_hours(const Post& p) {
  double h = 0;
  for (const PinnedSite& s : p.sites) h += s.weekly_hours.value_or(0);
  return h;
}

std::optional<Funding> usual_funding(HostType type) {
  switch (type) {
    case HostType::commune:
    case HostType::epci:
    case HostType::department:
    case HostType::metropole:
      return Funding::public_body;
    case HostType::association:
    case HostType::social_centre:
      return Funding::private_body;
    case HostType::france_services:
    case HostType::other:
      break;
  }
  return std::nullopt;
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  Date d;
  if (!parse_int(text.substr(0, 4), d.year) || !parse_int(text.substr(5, 2), d.month) ||
      !parse_int(text.substr(8, 2), d.day))
    return std::nullopt;
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > days_in_month(d.year, d.month))
    return std::nullopt;
  return d;
}

std::string format_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

void validate(const Post& post, const geo::Territory& territory, const std::string& file,
              const std::string& where) {
  auto fail = [&](std::string_view field, std::string problem) {
    throw InputError(file, where + ", " + std::string(field), std::move(problem));
  };
  if (post.id.empty()) fail("id", "is empty");
  if (post.home >= territory.size())
    fail("home_commune", "commune id " + std::to_string(post.home) + " is not in the territory (" +
                             std::to_string(territory.size()) + " communes)");
  if (!std::isfinite(post.weekly_hours) || post.weekly_hours <= 0)
    fail("weekly_hours",
         "must be a finite number of hours > 0, got " + std::to_string(post.weekly_hours));
  for (std::size_t i = 0; i < post.sites.size(); ++i) {
    const PinnedSite& s = post.sites[i];
    if (s.commune >= territory.size())
      fail("sites", "commune id " + std::to_string(s.commune) + " is not in the territory");
    if (s.weekly_hours && !(std::isfinite(*s.weekly_hours) && *s.weekly_hours > 0))
      fail("sites", "the hours at " + territory.code[s.commune] + " must be a number > 0");
    for (std::size_t j = 0; j < i; ++j)
      if (post.sites[j].commune == s.commune)
        fail("sites", "names " + territory.code[s.commune] + " twice");
  }
  if (pinned_hours(post) > post.weekly_hours * (1 + 1e-9))
    fail("sites", "the hours given at its sites (" + std::to_string(pinned_hours(post)) +
                      ") exceed the post's weekly hours (" + std::to_string(post.weekly_hours) +
                      ")");
  for (geo::CommuneId c : post.communes)
    if (c >= territory.size())
      fail("communes", "commune id " + std::to_string(c) + " is not in the territory");
  if (post.renewal_probability &&
      !(*post.renewal_probability >= 0 && *post.renewal_probability <= 1))
    fail("renewal_probability",
         "must be in [0, 1], got " + std::to_string(*post.renewal_probability));
  if (post.strategy == Strategy::centrality && post.sites.size() > 1)
    fail("sites",
         "a centrality post works from one site, got " + std::to_string(post.sites.size()));
  if (post.strategy == Strategy::centrality && !post.sites.empty() &&
      post.sites.front().weekly_hours &&
      std::abs(*post.sites.front().weekly_hours - post.weekly_hours) > 1e-9)
    fail("sites", "a centrality post works all its " + std::to_string(post.weekly_hours) +
                      " hours at its site; to split them, make it multi_centre (sites) or "
                      "roaming (stops)");
  if (post.strategy == Strategy::centrality && post.group_key.empty()) {
    if (!post.communes.empty())
      fail("communes", "a basin belongs to a team: give the post a group_key");
    return;
  }
  const std::string strategy(name(post.strategy));
  if (post.group_key.empty())
    fail("group_key", "a " + strategy + " post needs the grouping its territory belongs to");
  const geo::Grouping* grouping = territory.grouping(post.group_key);
  if (grouping == nullptr) {
    std::string keys;
    for (const geo::Grouping& g : territory.groupings) (keys += keys.empty() ? "" : ", ") += g.key;
    fail("group_key", "no grouping \"" + post.group_key +
                          "\" in the territory (it has: " + (keys.empty() ? "none" : keys) + ")");
  }
  if (post.group >= grouping->size())
    fail("group", "a " + strategy + " post needs a group of \"" + post.group_key + "\"");
}

void validate(std::span<const Post> posts, const geo::Territory& territory,
              const std::string& file) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const std::string where = "post " + std::to_string(i + 1) + " (" + posts[i].id + ")";
    validate(posts[i], territory, file, where);
    auto [it, inserted] = seen.emplace(posts[i].id, i);
    if (!inserted)
      throw InputError(file, where + ", id",
                       "repeats the id of post " + std::to_string(it->second + 1));
  }
}

}  // namespace covsim::sim
