#include "app/command_outputs.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

std::unique_ptr<geo::OutputTransaction> begin_command_outputs(const fs::path& dir,
                                                              std::vector<std::string> names,
                                                              bool overwrite) {
  std::vector<geo::PlannedFile> files;
  for (std::string& n : names) files.push_back({std::move(n)});
  return std::make_unique<geo::OutputTransaction>(
      dir, std::move(files),
      geo::TransactionOptions{overwrite,
                              "pass --overwrite (or set output.overwrite: true in the scenario)"});
}

std::unique_ptr<geo::OutputTransaction> begin_file_output(const fs::path& file,
                                                          std::vector<geo::PlannedFile> files,
                                                          bool overwrite) {
  return std::make_unique<geo::OutputTransaction>(
      file.parent_path(), std::move(files), geo::TransactionOptions{overwrite, "pass --overwrite"});
}

void commit_outputs(geo::OutputTransaction& out, std::ostream& log) {
  const std::vector<fs::path> written = out.commit();
  log << "wrote " << written.size() << " file(s):\n";
  for (const fs::path& f : written) log << "  " << f.string() << "\n";
}

}  // namespace covsim::app
