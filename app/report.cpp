#include "app/report.hpp"

#include <algorithm>
#include <cmath>

#include "app/territory_label.hpp"
#include "app/wording.hpp"
#include "geo/document_html.hpp"
#include "geo/document_pdf.hpp"
#include "geo/text_file.hpp"

namespace covsim::app {

namespace {

using geo::DocTable;
using geo::Paragraph;

std::string threshold_text(const RunOutputs& o, std::size_t k) {
  return minutes_label(o.scenario.coverage.thresholds_minutes[k]) + " min";
}

// Row 0 of the group figures is the whole territory.
void headline(const RunOutputs& o, geo::Document& d) {
  const sim::GroupCoverage& g = o.baseline.groups;
  if (!o.renewal) {
    const std::size_t k = g.thresholds - 1;
    d.blocks.push_back(
        Paragraph{number(g.reached_at(0, k)) + " of " + counted(g.population[0], "inhabitant") +
                      " (" + percent(g.reached_at(0, k), g.population[0]) +
                      ") reach an advisor within " + threshold_text(o, k) + "; " +
                      counted(g.communes_with_permanence[0], "commune has", "communes have") +
                      " a permanence.",
                  geo::Emphasis::headline});
    return;
  }
  const sim::RenewalImpact& im = o.renewal->impact;
  const std::size_t lost =
      static_cast<std::size_t>(std::count(im.active.begin(), im.active.end(), 0));
  d.blocks.push_back(Paragraph{
      counted(im.population_losing[im.threshold], "person loses", "people lose") +
          " access to an advisor within " + threshold_text(o, im.threshold) + "; " +
          counted(im.communes_losing_permanence[0], "commune loses its", "communes lose their") +
          " permanence.",
      geo::Emphasis::headline});
  d.blocks.push_back(
      Paragraph{counted(static_cast<double>(lost), "post") + " of " +
                number(static_cast<double>(im.active.size())) + " go; " +
                counted(im.communes_losing[im.threshold], "commune loses", "communes lose") +
                " reach within " + threshold_text(o, im.threshold) +
                // Without priority-area figures in the data, "0 of them" would read as a finding.
                (o.baseline.groups.priority_population[0] > 0
                     ? " (" + number(im.priority_population_losing[im.threshold]) +
                           " of those people live in priority areas)"
                     : std::string()) +
                ". Reallocation: " + std::string(sim::name(im.options.policy)) +
                (im.random_posts == 0
                     ? std::string(".")
                     : "; " + counted(im.random_posts, "undecided post") + " read as " +
                           (im.options.random_kept ? "renewed." : "lost (the worst case)."))});
}

void coverage_table(const RunOutputs& o, geo::Document& d) {
  const sim::GroupCoverage& g = o.baseline.groups;
  DocTable t;
  t.caption = "Population reaching an advisor";
  t.columns = {{"Within"}, {"Every post active", true}, {"Share", true}};
  const sim::RenewalImpact* im = o.renewal ? &o.renewal->impact : nullptr;
  if (im) t.columns.insert(t.columns.end(), {{"After renewal", true}, {"Losing reach", true}});
  for (std::size_t k = 0; k < g.thresholds; ++k) {
    std::vector<std::string> row = {threshold_text(o, k), number(g.reached_at(0, k)),
                                    percent(g.reached_at(0, k), g.population[0])};
    if (im) {
      row.push_back(number(im->after_groups.reached_at(0, k)));
      row.push_back(number(im->population_losing[k]));
    }
    t.rows.push_back(std::move(row));
  }
  d.blocks.push_back(std::move(t));
}

// Why post p goes: the deciding rule, the post table, or an undecided post read as lost.
std::string why_lost(const RenewalOutcome& rn, const sim::PostTable& posts, sim::PostId p) {
  const sim::RenewalPlan& plan = rn.plan;
  std::string why;
  if (plan.rule[p] != sim::kNoRule)
    why = "rule \u201c" + plan.rule_names[plan.rule[p]] + "\u201d";
  else if (plan.fate[p] == sim::Fate::lost)
    why = posts.posts[p].renewal == sim::Renewal::not_renewed ? "not renewed (posts table)"
                                                              : "not renewed";
  else
    why = "undecided";
  if (plan.fate[p] == sim::Fate::random) {
    const double chance = plan.unit[p] != sim::kNoUnit ? plan.unit_probability[plan.unit[p]] : NAN;
    why += std::isfinite(chance) ? ", renewal probability " + percent(chance, 1) : "";
    why += ", read as lost (the worst case)";
  }
  return why;
}

// The maps show the study area; losses beyond it are named so that none goes unseen.
void outside_the_maps(const RunOutputs& o, const geo::Box& extent, geo::Document& d) {
  if (extent.empty()) return;
  const geo::Territory& t = o.prepared.territory;
  const sim::RenewalImpact& im = o.renewal->impact;
  std::vector<geo::CommuneId> outside;
  for (const geo::CommuneId c : im.loss.losing_reach(im.threshold)) {
    const geo::Point p = t.demand[c];
    if (p.x < extent.min_x || p.x > extent.max_x || p.y < extent.min_y || p.y > extent.max_y)
      outside.push_back(c);
  }
  if (outside.empty()) return;
  by_population(t, outside);
  double population = 0;
  std::string names;
  for (std::size_t i = 0; i < outside.size(); ++i) {
    population += t.population[outside[i]];
    names += (i ? ", " : "") + t.name[outside[i]];
  }
  d.blocks.push_back(Paragraph{"Beyond the maps (they show the study area): " +
                                   counted(static_cast<double>(outside.size()), "commune") +
                                   " losing reach, " + counted(population, "inhabitant") + ": " +
                                   names + ".",
                               geo::Emphasis::muted});
}

void posts_that_go(const RunOutputs& o, geo::Document& d) {
  const RenewalOutcome& rn = *o.renewal;
  const sim::PostTable& posts = o.baseline.posts;
  const geo::Territory& t = o.prepared.territory;
  DocTable table;
  table.columns = {{"Post"}, {"Host"}, {"Based in"}, {"Hours a week", true}, {"Why it goes"}};
  double hours = 0;
  for (sim::PostId p = 0; p < rn.impact.active.size(); ++p) {
    if (rn.impact.active[p]) continue;
    const sim::Post& post = posts.posts[p];
    hours += post.weekly_hours;
    table.rows.push_back({post.id, post.host_name, t.name[post.home], number(post.weekly_hours, 0),
                          why_lost(rn, posts, p)});
  }
  d.blocks.push_back(geo::Heading{"Posts that go"});
  if (table.rows.empty()) {
    d.blocks.push_back(Paragraph{"Every post continues."});
    return;
  }
  d.blocks.push_back(Paragraph{counted(static_cast<double>(table.rows.size()), "post") + ", " +
                               number(hours) + " advisor-hours a week."});
  d.blocks.push_back(std::move(table));
}

std::string minutes_cell(float m) {
  return std::isfinite(m) ? number(m, 0) + " min" : "beyond the cut-off";
}

void communes_losing(const RunOutputs& o, geo::Document& d) {
  const sim::RenewalImpact& im = o.renewal->impact;
  const geo::Territory& t = o.prepared.territory;
  std::vector<geo::CommuneId> communes = im.loss.losing_reach(im.threshold);
  const std::vector<geo::CommuneId> permanence = im.loss.losing_permanence();
  std::vector<std::uint8_t> reach(t.size(), 0), perm(t.size(), 0);
  for (const geo::CommuneId c : communes) reach[c] = 1;
  for (const geo::CommuneId c : permanence) {
    if (!reach[c]) communes.push_back(c);
    perm[c] = 1;
  }
  std::sort(communes.begin(), communes.end());
  by_population(t, communes);
  d.blocks.push_back(geo::Heading{"Communes that lose reach or their permanence"});
  if (communes.empty()) {
    d.blocks.push_back(Paragraph{"No commune loses reach within " +
                                 threshold_text(o, im.threshold) + " or its permanence."});
    return;
  }
  double population = 0;
  for (const geo::CommuneId c : communes) population += t.population[c];
  d.blocks.push_back(Paragraph{
      counted(static_cast<double>(communes.size()), "commune") + ", " +
      counted(population, "inhabitant") + ", largest first. Reach: an advisor within " +
      threshold_text(o, im.threshold) + "; permanence: an advisor holds one in the commune."});
  const geo::Grouping* epci = t.grouping("epci");
  DocTable table;
  table.columns = {{"Commune"},
                   {"Code"},
                   {"EPCI"},
                   {"Population", true},
                   {"Nearest before", true},
                   {"Nearest after", true},
                   {"Loses"}};
  for (const geo::CommuneId c : communes) {
    const geo::GroupId e = epci ? epci->of[c] : geo::kNoGroup;
    std::string loses = reach[c] ? "reach" : "";
    if (perm[c]) loses += loses.empty() ? "permanence" : ", permanence";
    table.rows.push_back({t.name[c], t.code[c], e == geo::kNoGroup ? "" : epci->names[e],
                          number(t.population[c]), minutes_cell(im.before.nearest_minutes[c]),
                          minutes_cell(im.after.nearest_minutes[c]), loses});
  }
  d.blocks.push_back(std::move(table));
}

// One row per EPCI of the coverage model's rows; EPCIs with members outside the territory
// (per the COG) are shaded: their figures cover only the part inside.
void per_epci(const RunOutputs& o, geo::Document& d) {
  const geo::Territory& t = o.prepared.territory;
  const sim::GroupRows& rows = o.baseline.model->group_rows();
  const sim::GroupCoverage& g = o.baseline.groups;
  const sim::RenewalImpact* im = o.renewal ? &o.renewal->impact : nullptr;
  const geo::Grouping* epci = t.grouping("epci");
  const std::size_t k = im ? im->threshold : g.thresholds - 1;
  DocTable table;
  table.columns = {{"EPCI"},
                   {"Communes", true},
                   {"Population", true},
                   {"Reached within " + threshold_text(o, k), true},
                   {"With a permanence", true}};
  if (im)
    table.columns.insert(table.columns.end(),
                         {{"Reached after", true}, {"Permanences after", true}});
  std::size_t partial = 0;
  for (std::size_t r = 0; r < g.rows(); ++r) {
    if (rows.grouping[r] != "epci") continue;
    std::string communes = number(g.communes[r]);
    bool cut = false;
    if (epci) {
      const auto it = std::find(epci->codes.begin(), epci->codes.end(), rows.code[r]);
      const auto id = static_cast<std::size_t>(it - epci->codes.begin());
      if (it != epci->codes.end() && id < epci->full_size.size() &&
          epci->full_size[id] > g.communes[r]) {
        cut = true;
        communes += " of " + number(epci->full_size[id]);
      }
    }
    partial += cut;
    std::vector<std::string> row = {
        rows.name[r].empty() ? rows.code[r] : rows.name[r], communes, number(g.population[r]),
        percent(g.reached_at(r, k), g.population[r]), number(g.communes_with_permanence[r])};
    if (im) {
      row.push_back(percent(im->after_groups.reached_at(r, k), g.population[r]));
      row.push_back(number(im->after_groups.communes_with_permanence[r]));
    }
    table.rows.push_back(std::move(row));
    table.marked.push_back(cut);
  }
  if (table.rows.empty()) return;
  d.blocks.push_back(geo::Heading{"Per EPCI"});
  if (partial)
    table.marked_note = "Shaded: " + counted(static_cast<double>(partial), "EPCI") +
                        " cut by the territory's edge (communes in the territory of all the "
                        "EPCI's communes); their figures cover only the part inside.";
  d.blocks.push_back(std::move(table));
}

std::string cell_text(const sim::SweepCell& c) {
  return (c.non_renewal_rate ? number(100 * *c.non_renewal_rate) + " % non-renewal"
                             : std::string("posts' own odds")) +
         ", " + minutes_label(c.threshold_minutes) + " min, " + std::string(sim::name(c.policy));
}

void sweep_section(const RunOutputs& o, geo::Document& d) {
  const sim::SweepResult& sw = *o.sweep;
  const auto& figures = sim::sweep_figures();
  auto figure = [&](const char* name) {
    return static_cast<std::size_t>(std::find_if(figures.begin(), figures.end(),
                                                 [&](const auto& f) { return f.name == name; }) -
                                    figures.begin());
  };
  const std::size_t losing = figure("population_losing_reach");
  const std::size_t permanence = figure("communes_losing_permanence");
  d.blocks.push_back(geo::Heading{"What chance decides: " + number(sw.draws) + " draws"});
  d.blocks.push_back(Paragraph{
      "Each draw decides every undecided post at random (its own renewal probability, or the "
      "grid's non-renewal rate), then measures the loss. The chart shows how many people lose "
      "reach across the draws of each setting."});
  if (o.renewal)
    if (const auto flat = sim::sweep_without_randomness(sw, o.renewal->plan))
      d.blocks.push_back(Paragraph{"Note: " + *flat + ".", geo::Emphasis::muted});
  geo::RangeChart chart;
  chart.title = "People losing reach, per setting";
  chart.unit = "inhabitants";
  DocTable table;
  table.columns = {{"Setting"},
                   {"Posts lost (mean)", true},
                   {"People losing reach: mean", true},
                   {"P5", true},
                   {"P50", true},
                   {"P95", true},
                   {"Permanences lost (mean)", true}};
  for (const sim::CellResult& c : sw.cells) {
    const sim::Summary& s = c.figures[losing];
    chart.rows.push_back({cell_text(c.cell), s.min, s.p5, s.p50, s.p95, s.max, s.mean});
    table.rows.push_back({cell_text(c.cell), number(c.figures[figure("posts_lost")].mean, 1),
                          number(s.mean), number(s.p5), number(s.p50), number(s.p95),
                          number(c.figures[permanence].mean, 1)});
  }
  d.blocks.push_back(std::move(chart));
  d.blocks.push_back(std::move(table));
}

void methods(const RunOutputs& o, geo::Document& d) {
  const Scenario& s = o.scenario;
  geo::Aside a;
  a.title = "Methods";
  std::string thresholds;
  for (std::size_t k = 0; k < s.coverage.thresholds_minutes.size(); ++k)
    thresholds += (k ? ", " : "") + minutes_label(s.coverage.thresholds_minutes[k]);
  a.lines.push_back("Travel: " + o.prepared.graph.model +
                    " model, minutes between communes up "
                    "to " +
                    minutes_label(o.prepared.table.cutoff_minutes) +
                    " min; each commune is reached from its demand point.");
  a.lines.push_back("Reach thresholds: " + thresholds +
                    " min to the nearest advisor site or "
                    "roaming stop held at least " +
                    number(s.coverage.min_visits_per_month, 1) + " times a month.");
  a.lines.push_back("Permanence: an advisor holds a site or a regular stop in the commune itself.");
  if (o.renewal) {
    const sim::RenewalImpact& im = o.renewal->impact;
    a.lines.push_back(
        "Renewal: posts go by the scenario's rules and the posts table; "
        "reallocation policy " +
        std::string(sim::name(im.options.policy)) + "; undecided posts read as " +
        (im.options.random_kept ? "renewed." : "lost."));
  }
  if (o.sweep)
    a.lines.push_back("Sweep: " + number(o.sweep->draws) + " draws per setting, seed " +
                      std::to_string(o.sweep->seed) + " (the same seed gives the same figures).");
  a.lines.push_back("Territory: " + territory_label(o.prepared.territory) + "; population " +
                    number(o.baseline.groups.population[0]) + ".");
  d.blocks.push_back(std::move(a));
}

}  // namespace

geo::Document report_document(const RunOutputs& o, const RunMaps& maps) {
  const geo::Territory& t = o.prepared.territory;
  geo::Document d;
  d.title = o.scenario.name;
  d.subtitle = territory_label(t);
  d.footer = "covsim · " + o.scenario.name + " · " + territory_label(t);
  headline(o, d);
  if (!o.scenario.description.empty())
    d.blocks.push_back(Paragraph{o.scenario.description, geo::Emphasis::muted});
  coverage_table(o, d);
  d.blocks.push_back(geo::Heading{o.renewal ? "Before and after renewal" : "Coverage"});
  // The page's title is the map's: the map keeps its subtitle only.
  geo::Figure map{maps.renewal ? *maps.renewal : maps.coverage, maps.after};
  map.spec.title.clear();
  map.spec.height_px = 1000;  // no title: the same maps in less height
  d.blocks.push_back(std::move(map));
  if (o.renewal) outside_the_maps(o, maps.coverage.extent, d);
  if (o.renewal) {
    posts_that_go(o, d);
    communes_losing(o, d);
  }
  per_epci(o, d);
  if (o.sweep && !o.sweep->cells.empty()) sweep_section(o, d);
  methods(o, d);
  if (!o.baseline.result.notes.empty()) {
    geo::Aside notes{"Notes from the deployment", o.baseline.result.notes};
    d.blocks.push_back(std::move(notes));
  }
  return d;
}

void write_report_html(const RunOutputs& o, const RunMaps& maps,
                       const std::filesystem::path& path) {
  geo::write_text_file(path, geo::document_html(report_document(o, maps)), false);
}

void write_report_pdf(const RunOutputs& o, const RunMaps& maps, const std::filesystem::path& path) {
  geo::write_document_pdf(report_document(o, maps), path, false);
}

}  // namespace covsim::app
