// The files a subcommand writes, as one transaction (geo/output_transaction.hpp): planned and
// checked before any work, written into a staging directory, moved into place together.
// `run` and `sweep` plan theirs from the scenario (app/run_output.hpp); the other commands
// name their files here.
//
//   auto out = begin_command_outputs(dir, {"priorities.csv", "priorities.md"}, overwrite);
//   geo::write_csv(out->staged("priorities.csv"), columns, {});  // ... every file
//   commit_outputs(*out, log);
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "geo/output_transaction.hpp"

namespace covsim::app {

// The files `names` of a command in `dir`: refused when one exists without `overwrite`, or when
// `dir` cannot be written.
std::unique_ptr<geo::OutputTransaction> begin_command_outputs(const std::filesystem::path& dir,
                                                              std::vector<std::string> names,
                                                              bool overwrite);

// The one file of `generate`, `export`, `travel` or `calibrate` (with `files` its sidecars) in
// its directory: exactly the named file, refused when it exists without --overwrite.
std::unique_ptr<geo::OutputTransaction> begin_file_output(const std::filesystem::path& file,
                                                          std::vector<geo::PlannedFile> files,
                                                          bool overwrite);

// Moves the staged files into place and lists them in `log`.
void commit_outputs(geo::OutputTransaction& out, std::ostream& log);

}  // namespace covsim::app
