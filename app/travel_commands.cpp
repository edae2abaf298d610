// covsim travel and covsim calibrate (declared in app/commands.hpp): travel minutes out of a
// scenario as an OD table, and the adjacency model fitted to a reference table.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "app/command_outputs.hpp"
#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "geo/error.hpp"
#include "geo/speed_calibration.hpp"
#include "geo/table_writer.hpp"
#include "geo/text_file.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

Scenario load_scenario(const CommonOptions& o) {
  return o.scenario ? read_scenario(*o.scenario) : default_scenario();
}

// Before any work (an hour of computing must not end on "already exists"): the one file.
std::unique_ptr<geo::OutputTransaction> begin_output(const fs::path& file, bool overwrite) {
  return begin_file_output(file, {{file.filename().string()}}, overwrite);
}

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void print_agreement(std::ostream& log, const char* label, const geo::Agreement& a) {
  log << "  " << label << ": " << a.pairs << " pairs, median ratio " << number(a.median_ratio, 3)
      << " (one pair in ten below " << number(a.p10_ratio, 3) << "), mean absolute error "
      << number(a.mean_abs_error, 2) << " min; same verdict";
  for (std::size_t t = 0; t < a.thresholds.size(); ++t)
    log << (t ? "," : "") << " " << number(a.thresholds[t], 0) << " min "
        << number(100 * a.same_verdict[t], 1) << " %";
  log << "\n";
}

// The travel section of a scenario with the fitted adjacency model, keys as the reader takes
// them; 4 significant digits are more than a reference table's precision.
std::string travel_yaml(const TravelSettings& tr, const geo::SpeedModel& m) {
  auto g = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return std::string(buf);
  };
  std::ostringstream y;
  y << "travel:\n"
    << "  model: adjacency\n"
    << "  cutoff_minutes: " << g(tr.cutoff_minutes) << "\n"
    << "  adjacency:\n"
    << "    tolerance_m: " << g(tr.adjacency.tolerance_m) << "\n"
    << "    detour_factor: " << g(m.detour_factor) << "\n"
    << "    speed_kmh: " << g(m.speed_kmh) << "\n";
  if (m.density_classes.empty()) {
    y << "    density_speeds: []\n";
  } else {
    y << "    density_speeds:\n";
    for (const geo::DensityClass& d : m.density_classes)
      y << "      - {min_density: " << g(d.min_inhabitants_per_km2)
        << ", speed_kmh: " << g(d.speed_kmh) << "}\n";
  }
  y << "    long_trip_from_minutes: " << g(std::max(m.long_trip_from_minutes, 0.01)) << "\n"
    << "    long_trip_speedup: " << g(m.long_trip_speedup) << "\n";
  if (!m.extra_links.empty()) {
    y << "    links:\n";
    for (const geo::ExtraLink& l : m.extra_links)
      y << "      - {from: \"" << l.from_code << "\", to: \"" << l.to_code
        << "\", minutes: " << g(l.minutes) << "}\n";
  }
  return y.str();
}

}  // namespace

int command_travel(const CommonOptions& o, const TravelCommandOptions& t, std::ostream& log,
                   Progress& progress) {
  const Scenario s = load_scenario(o);
  const auto out = begin_output(t.to, t.overwrite);
  Prepared p = prepare_territory(s, progress, log);
  prepare_travel(s, p, progress, log);
  const geo::Territory& territory = p.territory;
  const geo::TravelTable& table = p.table;
  std::vector<std::string> origin, destination;
  std::vector<double> minutes;
  origin.reserve(table.entries());
  destination.reserve(table.entries());
  minutes.reserve(table.entries());
  // A row holds the minutes from each commune to the row's site.
  for (geo::RowId r = 0; r < table.rows(); ++r)
    for (const geo::Reach& x : table.row(r)) {
      if (x.commune == table.site[r]) continue;  // 0, and the od model ignores such rows
      origin.push_back(territory.code[x.commune]);
      destination.push_back(territory.code[table.site[r]]);
      minutes.push_back(x.minutes);  // written exactly: the shortest text of the float's value
    }
  const std::size_t pairs = minutes.size();
  std::vector<geo::FieldColumn> columns{
      geo::FieldColumn::text("origin", std::move(origin), "Commune code (INSEE)."),
      geo::FieldColumn::text("destination", std::move(destination), "Commune code (INSEE)."),
      geo::FieldColumn::real("minutes", std::move(minutes), "Car minutes.", "min")};
  // The od travel model reads the file back: minutes to the 0.1 would move every reach.
  columns.back().decimals = geo::kExact;
  geo::write_csv(out->staged(t.to.filename().string()), columns, {});
  out->commit();
  log << "wrote " << pairs << " origin-destination pairs within "
      << number(s.travel.cutoff_minutes, 0) << " min (" << p.graph.model << " model) to "
      << t.to.string()
      << "\n  read them back with: travel: {model: od, od: {file: " << t.to.string() << "}}\n";
  return kOk;
}

int command_calibrate(const CommonOptions& o, const CalibrateOptions& c, std::ostream& log,
                      Progress& progress) {
  const Scenario s = load_scenario(o);
  std::unique_ptr<geo::OutputTransaction> out;
  if (c.to) out = begin_output(*c.to, c.overwrite);
  const Prepared p = prepare_territory(s, progress, log);
  geo::OdOptions columns;
  columns.file = c.reference;
  columns.origin_column = c.origin_column;
  columns.destination_column = c.destination_column;
  columns.minutes_column = c.minutes_column;
  const geo::ReferenceTable ref = geo::read_reference_table(p.territory, columns);
  if (ref.pairs.empty())
    throw InputError(c.reference.string(), "", "no pair of distinct communes to calibrate on");
  geo::CalibrationOptions options;
  options.thresholds = s.coverage.thresholds_minutes;
  const geo::SpeedCalibration fit =
      geo::calibrate_speed_model(p.territory, p.adjacency, ref, s.travel.speeds, options, progress);
  log << "calibration on " << ref.source << ": " << ref.pairs.size() << " pairs";
  if (fit.before.unreachable)
    log << " (" << fit.before.unreachable << " without a route in the adjacency model, left out)";
  log << ", " << fit.evaluations << " models tried\n";
  if (s.travel.model != "adjacency")
    log << "  note: the scenario uses the " << s.travel.model
        << " model; this fits the adjacency model\n";
  print_agreement(log, "before", fit.before);
  print_agreement(log, "after ", fit.after);
  log << "  the detour factor stays " << number(fit.fitted.detour_factor, 2)
      << ": minutes depend on it and the speeds only through their ratio\n\n";
  const std::string yaml = travel_yaml(s.travel, fit.fitted);
  log << yaml;
  if (c.to) {
    std::ostringstream text;
    text << "# covsim calibrate on " << ref.source << ": " << fit.after.pairs
         << " pairs, median ratio " << number(fit.after.median_ratio, 3) << ", mean absolute error "
         << number(fit.after.mean_abs_error, 2) << " min\n"
         << yaml;
    geo::write_text_file(out->staged(c.to->filename().string()), text.str(), false);
    out->commit();
    log << "\nwrote " << c.to->string() << "\n";
  }
  return kOk;
}

}  // namespace covsim::app
