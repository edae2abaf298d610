#include "bench/placement_bench.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/stage_log.hpp"
#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"
#include "sim/location_allocation.hpp"

namespace covsim::bench {

namespace {

// The instance as CBC needs it: weights, and for each candidate the demand points it covers.
nlohmann::json instance_json(const sim::LocationProblem& pb, float cover_minutes) {
  nlohmann::json cover = nlohmann::json::array();
  for (std::size_t c = 0; c < pb.candidate_count(); ++c) {
    std::vector<std::uint32_t> covered;
    for (std::uint32_t e = pb.first[c]; e < pb.first[c + 1]; ++e)
      if (pb.minutes[e] <= cover_minutes) covered.push_back(pb.demand[e]);
    cover.push_back(covered);
  }
  return {{"weight", pb.weight}, {"cover", cover}};
}

}  // namespace

PlacementRun run_placement(const geo::Territory& territory, const geo::TravelTable& table,
                           const PlacementSpec& spec, const std::filesystem::path& instances_out) {
  const geo::Grouping* groups = territory.grouping(spec.group_key);
  if (groups == nullptr)
    throw Error("placement: the territory has no grouping \"" + spec.group_key + "\"");
  std::vector<std::vector<geo::CommuneId>> members(groups->size());
  for (geo::CommuneId c = 0; c < territory.size(); ++c)
    if (groups->of[c] != geo::kNoGroup) members[groups->of[c]].push_back(c);

  const sim::LocationOptions options{.objective = sim::Objective::max_cover,
                                     .cover_minutes = spec.cover_minutes};
  PlacementRun run;
  geo::detail::write_atomically(instances_out, true, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp);
    for (geo::GroupId g = 0; g < groups->size(); ++g) {
      const std::vector<geo::CommuneId>& communes = members[g];
      if (communes.empty()) continue;
      double population = 0;
      for (geo::CommuneId c : communes) population += territory.population[c];
      const auto posts = std::max<long>(1, std::lround(population / spec.inhabitants_per_post));
      const std::size_t k = std::min<std::size_t>(
          static_cast<std::size_t>(posts) * spec.sites_per_post, communes.size());
      for (geo::CommuneId c : communes)
        if (table.row_of(c) == geo::kNoRow)
          throw Error("placement: commune " + territory.code[c] + " has no travel table row");
      const sim::LocationProblem pb =
          sim::location_problem(table, communes, communes, territory.population);

      Stopwatch w;
      const sim::LocationSolution s = sim::solve_location(pb, k, options);
      const double seconds = w.seconds();

      ++run.instances;
      run.trivial += k >= communes.size();
      run.sites += k;
      run.seconds += seconds;
      run.slowest_seconds = std::max(run.slowest_seconds, seconds);
      run.population += population;
      run.covered += s.covered;
      nlohmann::json line = instance_json(pb, spec.cover_minutes);
      line["group"] = groups->codes[g];
      line["name"] = groups->names[g];
      line["k"] = k;
      line["covsim"] = {{"covered", s.covered}, {"chosen", s.chosen}, {"seconds", seconds}};
      out << line.dump() << '\n';
    }
    out.flush();
    if (!out) throw OutputError(instances_out.string() + ": write failed");
  });
  return run;
}

}  // namespace covsim::bench
