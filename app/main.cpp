// covsim: coverage of digital-inclusion advisors, and what renewal does to it. Parses the
// command line, runs one subcommand, and turns every error into one message and an exit code
// (see app/commands.hpp and README.md).
#include <tbb/global_control.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>
#include <memory>
#include <new>

#include "app/commands.hpp"
#include "app/interrupts.hpp"
#include "app/scenario.hpp"
#include "app/sweep_shards.hpp"
#include "app/terminal_progress.hpp"
#include "geo/error.hpp"

namespace {

// The optional scenario file of a subcommand that writes one file (travel, calibrate).
void add_scenario(CLI::App* cmd, std::string& scenario, bool& overwrite) {
  cmd->add_option("scenario", scenario, "Scenario file (YAML); the embedded default when omitted")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--overwrite", overwrite, "Replace an existing file");
}

// A whole number in [lo, hi], said in those words: CLI11's own checks accept -1 for an unsigned
// option (2^64 - 1) and describe a range by 300 digits.
CLI::Validator whole_number(long long lo, long long hi) {
  const std::string range = std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        long long v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
          return "'" + text + "' is not a whole number from " + range;
        return {};
      },
      "INT in " + range);
}

// The output of `generate` and `export` is exactly the file named, so its extension must say
// the format: no extension is guessed and none is added.
CLI::Validator output_file(std::vector<std::string> extensions) {
  std::string list;
  for (const std::string& e : extensions) list += (list.empty() ? "" : " ") + e;
  return CLI::Validator(
      [extensions, list](std::string& text) -> std::string {
        const std::string ext = std::filesystem::path(text).extension().string();
        for (const std::string& e : extensions)
          if (ext == e) return {};
        return "'" + text + "' must end in one of: " + list + " (in lower case)";
      },
      "FILE (" + list + ")");
}

void add_common(CLI::App* cmd, covsim::app::CommonOptions& o, std::string& scenario) {
  cmd->add_option("scenario", scenario, "Scenario file (YAML); the embedded default when omitted")
      ->check(CLI::ExistingFile);
  cmd->add_option_function<std::string>(
      "-o,--out", [&o](const std::string& d) { o.out_dir = d; },
      "Output directory (replaces output.dir of the scenario)");
  cmd->add_flag("--overwrite", o.overwrite, "Replace existing outputs");
  cmd->add_option_function<std::string>(
      "--cache", [&o](const std::string& d) { o.cache_dir = d; },
      "Folder of the territory cache (replaces territory.cache_dir; default: the output "
      "directory)");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace covsim::app;
  watch_interrupts();  // first: every thread started later leaves the signals to the watcher
  CLI::App app{
      "covsim — who can reach a digital-inclusion advisor, and what renewal does to it.\n"
      "Runs on the embedded synthetic territory when no scenario is given."};
  app.require_subcommand(1);
  app.fallthrough();  // -j and -q work after the subcommand too: `covsim sweep s.yaml -q`
  app.set_version_flag("--version", "covsim 0.1.0");
  int threads = 0;
  bool quiet = false;
  app.add_option("-j,--threads", threads, "Worker threads (default: all cores)")
      ->check(whole_number(1, 4096));
  app.add_flag("-q,--quiet", quiet, "No progress bar, only errors");

  CommonOptions common;
  std::string scenario;
  CLI::App* run = app.add_subcommand(
      "run", "Place advisors, measure coverage, apply the renewal scenario, write maps and tables");
  add_common(run, common, scenario);

  SweepCommandOptions sweep_options;
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Monte Carlo renewal draws over the scenario's grid; distributions and loss "
      "probabilities");
  add_common(sweep, common, scenario);
  // The scenario's bounds (sweep.draws, sweep.seed): the command line is no way around them.
  sweep
      ->add_option_function<std::uint32_t>(
          "--draws", [&](std::uint32_t d) { sweep_options.draws = d; }, "Draws per grid cell")
      ->check(whole_number(1, kMaxDraws));
  sweep
      ->add_option_function<std::uint64_t>(
          "--seed", [&](std::uint64_t s) { sweep_options.seed = s; }, "Seed of the draws")
      ->check(whole_number(0, kMaxSeed));

  sweep
      ->add_option_function<std::string>(
          "--shard",
          [&](const std::string& text) {
            const ShardSpec spec = parse_shard(text);
            sweep_options.shard = spec.index;
            sweep_options.shards = spec.count;
          },
          "Run only the draws of shard I of N (1 <= I <= N) and write them as "
          "sweep-shard-I-of-N.covsim-shard in the output directory, for `covsim merge`")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              parse_shard(text);
              return {};
            } catch (const covsim::InputError& e) {
              return "'" + text + "' " + e.problem();
            }
          },
          "I/N"));

  MergeCommandOptions merge_options;
  CLI::App* merge = app.add_subcommand(
      "merge",
      "Combine the shards of a sweep (`covsim sweep --shard I/N`) into exactly the outputs of "
      "the whole sweep");
  merge
      ->add_option("shards", merge_options.places,
                   "Folders holding the *.covsim-shard files (or the files themselves)")
      ->required();
  merge->add_option_function<std::string>(
      "-o,--out", [&](const std::string& d) { merge_options.out_dir = d; },
      "Output directory (default: the scenario's output.dir)");
  merge->add_flag("--overwrite", merge_options.overwrite, "Replace existing outputs");
  merge->add_option_function<std::string>(
      "--cache", [&](const std::string& d) { merge_options.cache_dir = d; },
      "Folder of the territory cache (replaces territory.cache_dir)");

  CLI::App* validate = app.add_subcommand(
      "validate", "Check a scenario (keys, values, files, posts) without running it");
  add_common(validate, common, scenario);

  CLI::App* inspect = app.add_subcommand(
      "inspect", "Load the territory and report counts, repairs, merges and detached parts");
  add_common(inspect, common, scenario);

  GenerateOptions generate_options;
  CLI::App* generate = app.add_subcommand(
      "generate", "Write the synthetic territory to a GeoPackage/GeoJSON/Shapefile");
  generate->add_option("--seed", generate_options.seed, "Seed")->check(whole_number(0, kMaxSeed));
  generate->add_option("--communes", generate_options.communes, "Communes (20 to 900)")
      ->check(whole_number(20, 900));
  generate->add_option("-o,--out", generate_options.out, "Output file (.gpkg .geojson .shp)")
      ->check(output_file({".gpkg", ".geojson", ".json", ".shp"}));
  generate->add_flag("--overwrite", generate_options.overwrite, "Replace an existing file");

  ExportOptions export_options;
  CLI::App* exp = app.add_subcommand(
      "export", "Map one figure of a saved result.json (PNG/SVG/PDF, or a vector layer)");
  add_common(exp, common, scenario);
  exp->add_option("--result", export_options.result, "result.json of an earlier run")
      ->required()
      ->check(CLI::ExistingFile);
  exp->add_option("--field", export_options.field, "Per-commune figure to map");
  exp->add_option("--to", export_options.out, "Output: .png .svg .pdf .gpkg .geojson .shp")
      ->required()
      ->check(output_file({".png", ".svg", ".pdf", ".gpkg", ".geojson", ".json", ".shp"}));

  TravelCommandOptions travel_options;
  CLI::App* travel = app.add_subcommand(
      "travel",
      "Write the commune-to-commune minutes the scenario uses (within its cut-off) as an OD "
      "table the od model reads back");
  add_scenario(travel, scenario, travel_options.overwrite);
  travel->add_option("--to", travel_options.to, "Output CSV (origin,destination,minutes)")
      ->required();

  CalibrateOptions calibrate_options;
  CLI::App* calibrate = app.add_subcommand(
      "calibrate",
      "Fit the adjacency model's speeds to a reference table of car minutes; print the "
      "agreement before and after and the fitted travel section");
  add_scenario(calibrate, scenario, calibrate_options.overwrite);
  calibrate->add_option("--od", calibrate_options.reference, "Reference table (CSV)")
      ->required()
      ->check(CLI::ExistingFile);
  calibrate->add_option("--origin", calibrate_options.origin_column, "Origin code column");
  calibrate->add_option("--destination", calibrate_options.destination_column,
                        "Destination code column");
  calibrate->add_option("--minutes", calibrate_options.minutes_column, "Minutes column");
  calibrate->add_option_function<std::string>(
      "--to", [&](const std::string& f) { calibrate_options.to = f; },
      "Also write the fitted travel section to this YAML file");

  RecommendCommandOptions recommend_options;
  CLI::App* recommend = app.add_subcommand(
      "recommend",
      "Where K new posts gain most, given the posts the renewal round leaves (or all posts)");
  add_common(recommend, common, scenario);
  recommend->add_option("--add", recommend_options.add, "New posts to place (K > 0)")
      ->required()
      ->check(CLI::PositiveNumber);
  recommend
      ->add_option("--strategy", recommend_options.strategy,
                   "centrality (one site at the commune picked), multi_centre or roaming (joins "
                   "the team of the commune's group, re-planned with it)")
      ->check(CLI::IsMember({"centrality", "multi_centre", "roaming"}));
  recommend
      ->add_option_function<std::string>(
          "--host-type", [&](const std::string& h) { recommend_options.host_type = h; },
          "Host type of the new posts (default: commune, epci for multi_centre, department for "
          "roaming)")
      ->check(CLI::IsMember({"commune", "epci", "department", "metropole", "association",
                             "social_centre", "france_services", "other"}));
  recommend
      ->add_option("--objective", recommend_options.objective,
                   "reach (population newly within the threshold), permanence (communes "
                   "regaining one), access (mean access of the worst-served)")
      ->check(CLI::IsMember({"reach", "permanence", "access"}));
  recommend->add_option("--hours", recommend_options.weekly_hours, "Weekly hours of a new post")
      ->check(CLI::PositiveNumber);
  recommend->add_option_function<float>(
      "--threshold", [&](float t) { recommend_options.threshold = t; },
      "Reach threshold in minutes (default: the renewal round's, else the largest)");
  recommend->add_option_function<std::string>(
      "--group-key", [&](const std::string& k) { recommend_options.group_key = k; },
      "Grouping whose team a new multi_centre/roaming post joins (default: the posts' "
      "group_key default, else epci)");
  recommend
      ->add_option("--worst-share", recommend_options.worst_share,
                   "access: share of the population counted as worst-served (default 0.1)")
      ->check(CLI::Range(0.0, 1.0));

  PrioritiseCommandOptions prioritise_options;
  CLI::App* prioritise = app.add_subcommand(
      "prioritise",
      "Which posts to renew: each post's standalone value, the keep-set of N that loses least, "
      "against the renewal round's decisions");
  add_common(prioritise, common, scenario);
  prioritise
      ->add_option_function<std::uint32_t>(
          "--keep", [&](std::uint32_t n) { prioritise_options.keep = n; },
          "Posts that can be renewed (default: as many as the renewal round keeps)")
      ->check(CLI::PositiveNumber);
  prioritise
      ->add_option_function<double>(
          "--budget", [&](double h) { prioritise_options.budget_hours = h; },
          "Weekly hours of the posts renewed, at most")
      ->check(CLI::NonNegativeNumber);
  prioritise
      ->add_option_function<std::string>(
          "--policy", [&](const std::string& p) { prioritise_options.policy = p; },
          "Reallocation when posts go (default: the renewal round's, else none)")
      ->check(CLI::IsMember({"none", "absorb", "replan"}));
  prioritise->add_option_function<float>(
      "--threshold", [&](float t) { prioritise_options.threshold = t; },
      "Reach threshold in minutes (default: the renewal round's, else the largest)");

  CompareCommandOptions compare_options;
  CLI::App* compare = app.add_subcommand(
      "compare",
      "Two plans side by side (scenarios, or result.json of earlier runs): per threshold and "
      "EPCI, the difference, and a difference map");
  compare->add_option("a", compare_options.a, "Plan A: scenario (YAML) or result.json")
      ->required()
      ->check(CLI::ExistingFile);
  compare->add_option("b", compare_options.b, "Plan B: scenario (YAML) or result.json")
      ->required()
      ->check(CLI::ExistingFile);
  compare
      ->add_option_function<std::string>(
          "--scenario", [&](const std::string& f) { compare_options.scenario = f; },
          "Territory to draw when both are result.json (default: the embedded scenario)")
      ->check(CLI::ExistingFile);
  compare->add_option_function<std::string>(
      "-o,--out", [&](const std::string& d) { compare_options.out_dir = d; },
      "Output directory (default: A's output.dir, else out)");
  compare->add_flag("--overwrite", compare_options.overwrite, "Replace existing outputs");
  compare
      ->add_option("--tolerance", compare_options.tolerance_minutes,
                   "Minutes nearer or farther that count as a change (default 0.5)")
      ->check(CLI::NonNegativeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  if (!scenario.empty()) common.scenario = scenario;

  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(threads));
  TerminalProgress progress(!quiet && TerminalProgress::stderr_is_terminal());
  std::ostream& log = std::cout;
  try {
    if (run->parsed()) return command_run(common, log, progress);
    if (sweep->parsed()) return command_sweep(common, sweep_options, log, progress);
    if (merge->parsed()) return command_merge(merge_options, log, progress);
    if (validate->parsed()) return command_validate(common, log, progress);
    if (inspect->parsed()) return command_inspect(common, log, progress);
    if (generate->parsed()) return command_generate(generate_options, log);
    if (exp->parsed()) return command_export(common, export_options, log, progress);
    if (travel->parsed()) return command_travel(common, travel_options, log, progress);
    if (calibrate->parsed()) return command_calibrate(common, calibrate_options, log, progress);
    if (recommend->parsed()) return command_recommend(common, recommend_options, log, progress);
    if (prioritise->parsed()) return command_prioritise(common, prioritise_options, log, progress);
    if (compare->parsed()) return command_compare(compare_options, log, progress);
  } catch (const covsim::InputError& e) {
    std::cerr << "covsim: error: " << e.what() << "\n";
    return kBadInput;
  } catch (const covsim::OutputError& e) {
    std::cerr << "covsim: error: " << e.what() << "\n";
    return kOutputError;
  } catch (const std::bad_alloc&) {
    std::cerr << "covsim: error: out of memory\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "covsim: error: " << e.what() << "\n";
    return kFailure;
  }
  return kUsage;
}
