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
#include "app/terminal_progress.hpp"
#include "geo/error.hpp"

namespace {

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
    if (validate->parsed()) return command_validate(common, log, progress);
    if (inspect->parsed()) return command_inspect(common, log, progress);
    if (generate->parsed()) return command_generate(generate_options, log);
    if (exp->parsed()) return command_export(common, export_options, log, progress);
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
