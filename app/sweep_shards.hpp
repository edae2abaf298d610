// Sweeps spread over a batch scheduler: `covsim sweep --shard I/N` runs the draws of shard I
// (sim::shard_draws) and writes them as one partial file; `covsim merge DIR...` reads the N
// files back, checks that they are the shards of one sweep of one scenario, and writes exactly
// the files one unsharded sweep writes (sim::merge_sweep feeds the draws in the same order).
//
//   ShardFile f = make_shard_file(scenario, baseline, spec, partial);
//   write_shard_file(out.staged(shard_file_name(spec)), f);
//   std::vector<ShardFile> all = read_shard_files({"parts/"});  // checked, sorted by shard
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "app/scenario.hpp"
#include "sim/sweep.hpp"

namespace covsim::app {

struct ShardSpec {
  std::uint32_t index = 1;  // 1 ... count
  std::uint32_t count = 1;
};
// "I/N" with 1 <= I <= N <= kMaxShards; throws InputError("--shard", ...) otherwise.
inline constexpr std::uint32_t kMaxShards = 100'000;
ShardSpec parse_shard(const std::string& text);

// sweep-shard-I-of-N.covsim-shard
std::string shard_file_name(const ShardSpec& spec);

struct ShardFile {
  std::filesystem::path source;         // the file it was read from (not stored)
  std::filesystem::path scenario;       // absolute path; empty: the embedded default
  std::uint64_t scenario_checksum = 0;  // of the scenario's text
  std::uint64_t seed = 0;
  std::uint32_t draws = 0;
  ShardSpec spec;
  // Of the baseline every shard starts from (communes, posts, minutes, reach): shards made from
  // other data (a changed layer or post table) are refused even when the scenario is the same.
  std::uint64_t baseline_checksum = 0;
  sim::SweepPartial partial;
};

std::uint64_t scenario_checksum(const Scenario& scenario);
std::uint64_t baseline_checksum(const Prepared& prepared, const Baseline& baseline);

// Throws OutputError when the file cannot be written.
void write_shard_file(const std::filesystem::path& file, const ShardFile& shard);

// Every *.covsim-shard file of `places` (folders, or the files themselves), sorted by shard.
// Throws InputError naming the file and the mismatch: none found, corrupt, another scenario
// (path or text), seed, draw count or shard count, a shard missing or given twice.
std::vector<ShardFile> read_shard_files(const std::vector<std::filesystem::path>& places);

}  // namespace covsim::app
