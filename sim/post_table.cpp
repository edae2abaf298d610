#include "sim/post_table.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <sstream>
#include <unordered_map>

#include "geo/error.hpp"
#include "geo/text_input.hpp"
#include "sim/detail/csv.hpp"

namespace covsim::sim {

namespace {

enum Col : std::size_t {
  kId,
  kHostType,
  kHomeCommune,
  kHostName,
  kWeeklyHours,
  kStrategy,
  kSites,
  kGroupKey,
  kGroup,
  kSiteCount,
  kFunding,
  kPriorityBonus,
  kContractEnd,
  kRenewal,
  kRenewalProbability,
  kCommunes,
  kRound,
  kMaxStops,
  kColumnCount
};
constexpr std::array<std::string_view, kColumnCount> kColumns = {
    "id",       "host_type",      "home_commune", "host_name", "weekly_hours",
    "strategy", "sites",          "group_key",    "group",     "site_count",
    "funding",  "priority_bonus", "contract_end", "renewal",   "renewal_probability",
    "communes", "round",          "max_stops"};
constexpr std::size_t kRequired = 3;  // id, host_type, home_commune

std::string column_list() {
  std::string s;
  for (std::string_view c : kColumns) (s += s.empty() ? "" : ", ") += c;
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One data row being read: every failure names file, line and column.
class Row {
 public:
  Row(const std::string& file, const detail::CsvRecord& rec,
      const std::array<std::size_t, kColumnCount>& index)
      : file_(file), rec_(rec), index_(index) {}

  std::string_view cell(Col c) const {
    const std::size_t i = index_[c];
    return i == kNoIndex ? std::string_view{} : trim(rec_.fields[i]);
  }

  [[noreturn]] void fail(Col c, std::string problem) const {
    throw InputError(file_,
                     "line " + std::to_string(rec_.line) + ", column " + std::string(kColumns[c]),
                     std::move(problem));
  }

  template <typename E>
  E choice(Col c, E fallback, std::optional<E> (*parse)(std::string_view),
           std::string (*allowed)()) const {
    const std::string_view t = cell(c);
    if (t.empty()) return fallback;
    if (auto v = parse(t)) return *v;
    fail(c, "\"" + std::string(t) + "\" is not one of: " + allowed());
  }

  std::optional<double> number(Col c) const {
    const std::string_view t = cell(c);
    if (t.empty()) return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v))
      fail(c, "\"" + std::string(t) + "\" is not a finite number");
    return v;
  }

  // A whole number in [0, 10^6]; 0 when empty.
  std::uint32_t count(Col c) const {
    const std::optional<double> n = number(c);
    if (!n) return 0;
    if (*n < 0 || *n != std::floor(*n) || *n > 1e6)
      fail(c, "must be a whole number >= 0, got " + std::string(cell(c)));
    return static_cast<std::uint32_t>(*n);
  }

  // The items of a cell separated by ';', trimmed; an empty item is an error.
  std::vector<std::string_view> list(Col c) const {
    std::vector<std::string_view> out;
    std::string_view rest = cell(c);
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      const std::string_view item = trim(rest.substr(0, semi));
      if (item.empty()) fail(c, "an empty item between ';'");
      out.push_back(item);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    }
    return out;
  }

  geo::CommuneId commune(Col c, std::string_view code, const geo::Territory& t) const {
    if (auto id = t.find(code)) return *id;
    fail(c, "commune code \"" + std::string(code) + "\" is not in the territory");
  }

  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

 private:
  const std::string& file_;
  const detail::CsvRecord& rec_;
  const std::array<std::size_t, kColumnCount>& index_;
};

Strategy default_strategy(HostType host, const PostDefaults& defaults) {
  for (const auto& [type, strategy] : defaults.strategy_by_host_type)
    if (type == host) return strategy;
  return Strategy::centrality;
}

Post read_post(const Row& row, const geo::Territory& territory, const PostDefaults& defaults) {
  Post p;
  p.id = std::string(row.cell(kId));
  if (p.id.empty()) row.fail(kId, "is empty");
  if (row.cell(kHostType).empty()) row.fail(kHostType, "is empty; one of: " + allowed_host_types());
  p.host_type = row.choice(kHostType, HostType::other, &parse_host_type, &allowed_host_types);
  if (row.cell(kHomeCommune).empty()) row.fail(kHomeCommune, "is empty");
  p.home = row.commune(kHomeCommune, row.cell(kHomeCommune), territory);
  p.host_name = std::string(row.cell(kHostName));
  if (auto h = row.number(kWeeklyHours)) {
    if (*h <= 0)
      row.fail(kWeeklyHours, "must be > 0 hours, got " + std::string(row.cell(kWeeklyHours)));
    if (*h > 168)
      row.fail(kWeeklyHours,
               "must be at most 168 hours (a week), got " + std::string(row.cell(kWeeklyHours)));
    p.weekly_hours = *h;
  }
  p.strategy = row.choice(kStrategy, default_strategy(p.host_type, defaults), &parse_strategy,
                          &allowed_strategies);

  for (const std::string_view item : row.list(kSites)) {
    // "35238" or "35238:21" (21 hours a week there).
    const std::size_t colon = item.find(':');
    PinnedSite site{row.commune(kSites, trim(item.substr(0, colon)), territory), std::nullopt};
    if (colon != std::string_view::npos) {
      const std::string_view hours = trim(item.substr(colon + 1));
      double h = 0;
      auto [end, ec] = std::from_chars(hours.data(), hours.data() + hours.size(), h);
      if (ec != std::errc() || end != hours.data() + hours.size() || !std::isfinite(h) || h <= 0)
        row.fail(kSites, "\"" + std::string(item) +
                             "\": the hours after ':' must be a number > 0 (\"35238:21\")");
      site.weekly_hours = h;
    }
    p.sites.push_back(site);
  }
  for (const std::string_view code : row.list(kCommunes))
    p.communes.push_back(row.commune(kCommunes, code, territory));
  if (const std::string_view r = row.cell(kRound); !r.empty())
    p.round = row.choice(kRound, RoundKind::weekly, &parse_round, &allowed_rounds);

  p.group_key = std::string(row.cell(kGroupKey));
  if (p.group_key.empty() && p.strategy != Strategy::centrality) p.group_key = defaults.group_key;
  const std::string_view group_code = row.cell(kGroup);
  if (!group_code.empty() && p.group_key.empty())
    row.fail(kGroup, "a group needs its group_key (the grouping it belongs to)");
  if (!p.group_key.empty()) {
    const geo::Grouping* g = territory.grouping(p.group_key);
    if (g == nullptr) row.fail(kGroupKey, "no grouping \"" + p.group_key + "\" in the territory");
    if (group_code.empty()) {
      p.group = g->of[p.home];
      if (p.group == geo::kNoGroup)
        row.fail(kGroup, "empty, and the home commune belongs to no \"" + p.group_key + "\"");
    } else {
      for (geo::GroupId i = 0; i < g->size() && p.group == geo::kNoGroup; ++i)
        if (g->codes[i] == group_code) p.group = i;
      if (p.group == geo::kNoGroup)
        row.fail(kGroup, "no " + p.group_key + " \"" + std::string(group_code) + "\"");
    }
  }

  p.site_count = row.count(kSiteCount);
  p.max_stops = row.count(kMaxStops);

  const std::optional<Funding> usual = usual_funding(p.host_type);
  if (row.cell(kFunding).empty() && !usual)
    row.fail(kFunding, "required for host type " + std::string(name(p.host_type)) +
                           " (one of: " + allowed_fundings() + ")");
  p.funding =
      row.choice(kFunding, usual.value_or(Funding::public_body), &parse_funding, &allowed_fundings);

  if (const std::string_view b = row.cell(kPriorityBonus); !b.empty()) {
    if (b == "true" || b == "yes" || b == "1") {
      p.priority_bonus = true;
    } else if (b == "false" || b == "no" || b == "0") {
      p.priority_bonus = false;
    } else {
      row.fail(kPriorityBonus,
               "\"" + std::string(b) + "\" is not one of: true, false, yes, no, 1, 0");
    }
  }
  if (const std::string_view d = row.cell(kContractEnd); !d.empty()) {
    p.contract_end = parse_date(d);
    if (!p.contract_end)
      row.fail(kContractEnd, "\"" + std::string(d) + "\" is not a calendar date YYYY-MM-DD");
  }
  p.renewal = row.choice(kRenewal, Renewal::undecided, &parse_renewal, &allowed_renewals);
  if (auto q = row.number(kRenewalProbability)) {
    if (*q < 0 || *q > 1)
      row.fail(kRenewalProbability,
               "must be in [0, 1], got " + std::string(row.cell(kRenewalProbability)));
    p.renewal_probability = *q;
  }
  return p;
}

}  // namespace

std::optional<PostId> PostTable::find(std::string_view id) const {
  for (PostId p = 0; p < posts.size(); ++p)
    if (posts[p].id == id) return p;
  return std::nullopt;
}

PostTable read_posts_csv(std::istream& in, const std::string& file, const geo::Territory& territory,
                         const PostDefaults& defaults) {
  detail::CsvReader reader(in, file);
  const std::optional<detail::CsvRecord> header = reader.next();
  if (!header) throw InputError(file, "line 1", "no header: expected columns " + column_list());

  std::array<std::size_t, kColumnCount> index;
  index.fill(Row::kNoIndex);
  for (std::size_t i = 0; i < header->fields.size(); ++i) {
    const std::string_view h = trim(header->fields[i]);
    std::size_t c = 0;
    while (c < kColumnCount && kColumns[c] != h) ++c;
    const std::string where =
        "line " + std::to_string(header->line) + ", column " + std::to_string(i + 1);
    if (c == kColumnCount)
      throw InputError(file, where,
                       "unknown column \"" + std::string(h) + "\"; columns are: " + column_list());
    if (index[c] != Row::kNoIndex)
      throw InputError(file, where, "column \"" + std::string(h) + "\" appears twice");
    index[c] = i;
  }
  for (std::size_t c = 0; c < kRequired; ++c)
    if (index[c] == Row::kNoIndex)
      throw InputError(file, "line " + std::to_string(header->line),
                       "required column \"" + std::string(kColumns[c]) + "\" is missing");

  PostTable table;
  std::vector<std::size_t> lines;
  while (auto rec = reader.next()) {
    if (rec->fields.size() != header->fields.size())
      throw InputError(file, "line " + std::to_string(rec->line),
                       std::to_string(rec->fields.size()) + " fields, the header has " +
                           std::to_string(header->fields.size()));
    table.posts.push_back(read_post(Row(file, *rec, index), territory, defaults));
    lines.push_back(rec->line);
  }
  for (std::size_t i = 0; i < table.posts.size(); ++i)
    validate(table.posts[i], territory, file, "line " + std::to_string(lines[i]));
  std::unordered_map<std::string_view, std::size_t> line_of_id;
  for (std::size_t i = 0; i < table.posts.size(); ++i) {
    auto [it, inserted] = line_of_id.emplace(table.posts[i].id, lines[i]);
    if (!inserted)
      throw InputError(file, "line " + std::to_string(lines[i]) + ", column id",
                       "post id \"" + table.posts[i].id + "\" already used on line " +
                           std::to_string(it->second));
  }
  return table;
}

PostTable read_posts_csv(const std::filesystem::path& path, const geo::Territory& territory,
                         const PostDefaults& defaults) {
  // Bounded, regular file, UTF-8 (a Latin-1 spreadsheet export is refused naming its line).
  std::istringstream in(geo::read_text_input(path, "posts file", geo::kTableMaxBytes));
  return read_posts_csv(in, path.string(), territory, defaults);
}

}  // namespace covsim::sim
