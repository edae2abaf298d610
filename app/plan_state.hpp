// The plan as it stands, for the subcommands that help decide (recommend, prioritise): the
// scenario's territory, travel, posts, deployment and coverage with every post, and, when the
// scenario has a renewal round, its deterministic outcome (posts kept, the reallocation
// policy's evaluated deployment, coverage after). Built in two steps so a command can check its
// arguments against the posts before the travel tables are computed.
//
//   std::unique_ptr<CurrentPlan> plan = open_plan(load_scenario(o), progress, log);
//   complete_plan(*plan, progress, log);  sim::PlanState now = plan->state();
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "app/command_outputs.hpp"
#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/run_output.hpp"
#include "sim/recommend.hpp"

namespace covsim::app {

// The scenario a command names (or the embedded default), with -o and --overwrite applied.
Scenario load_scenario(const CommonOptions& o);

// Never moved once built: the coverage model and the reallocator refer to its members.
struct CurrentPlan {
  Scenario scenario;
  Prepared prepared;
  sim::PostTable posts;  // read before travel, to check arguments early
  Baseline baseline;
  std::optional<RenewalOutcome> renewal;
  std::vector<std::uint8_t> lost_permanence;  // commune -> lost it in the round; empty without

  // Index of the threshold the renewal round reports (the largest without one).
  std::size_t threshold() const;
  // Posts still working, deployment, coverage and lost permanences after the round.
  sim::PlanState state() const;
  const sim::CommuneCoverage& coverage() const;
};

// Territory and posts.
std::unique_ptr<CurrentPlan> open_plan(Scenario scenario, Progress& progress, std::ostream& log);
// Travel, deployment, coverage, the renewal round.
void complete_plan(CurrentPlan& plan, Progress& progress, std::ostream& log);

// The coverage threshold of `minutes` when given (InputError naming `option` when it is not one
// of the scenario's), else `fallback`.
std::size_t threshold_option(const Scenario& s, std::optional<float> minutes, std::size_t fallback,
                             const std::string& option);

// "12.5" for 12.5 min, "20" for 20.
std::string minutes_text(float minutes);

}  // namespace covsim::app
