// Wall time and memory of each stage of a benchmark run, printed as a table for the reader and
// kept as JSON for bench/peers/report.py, which sets the peers' figures beside covsim's.
//
//   StageLog log;  Stopwatch w;  Adjacency a = build_adjacency(t);
//   log.add("adjacency", w.elapsed(), {{"pairs", double(a.pair_count()), ""}});
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "geo/progress.hpp"

namespace covsim::bench {

// Process CPU time (user + system, every thread) so far, in seconds. On a machine shared with
// other work, wall time grows with the load while CPU time does not: both are reported.
double cpu_seconds();

struct Timing {
  double wall = 0;  // seconds
  double cpu = 0;   // seconds of CPU over every thread of this process
};

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()), cpu_start_(cpu_seconds()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  Timing elapsed() const { return {seconds(), cpu_seconds() - cpu_start_}; }

 private:
  std::chrono::steady_clock::time_point start_;
  double cpu_start_;
};

// The 1-minute load average (/proc/loadavg); NaN where /proc is absent.
double load_average();

// Process-wide peak resident memory so far (getrusage ru_maxrss), in MiB: it only grows, so a
// stage's value is the peak of everything up to and including it.
double peak_rss_mib();
// Resident memory now (/proc/self/statm), in MiB; 0 where /proc is absent.
double current_rss_mib();

struct Figure {
  std::string name;
  double value = 0;
  std::string unit;
};

struct StageRecord {
  std::string name;
  double seconds = 0;
  double cpu_seconds = 0;
  double peak_rss_mib = 0;  // sampled when the stage was added
  double rss_mib = 0;
  std::vector<Figure> figures;
};

class StageLog {
 public:
  // Records a finished stage and prints its line at once (a long run shows progress).
  void add(std::string name, Timing timing, std::vector<Figure> figures = {});
  // A named figure for report.py (targets, peers' inputs) that belongs to no table line.
  void measure(const std::string& key, double value) { measures_[key] = value; }
  // key_s (wall) and key_cpu_s.
  void measure(const std::string& key, Timing t) {
    measure(key + "_s", t.wall);
    measure(key + "_cpu_s", t.cpu);
  }
  void note(const std::string& key, const std::string& value) { notes_[key] = value; }

  const std::vector<StageRecord>& stages() const { return stages_; }
  nlohmann::json to_json() const;
  // Writes to_json() to `out_dir`/covsim.json (atomically) and says so with the peak memory.
  void save(const std::filesystem::path& out_dir) const;

 private:
  std::vector<StageRecord> stages_;
  nlohmann::json measures_ = nlohmann::json::object();
  nlohmann::json notes_ = nlohmann::json::object();
};

// A Progress that times the stages a library call announces (start ... finish), so one call
// such as load_territory shows where its time goes (reading, repair, dissolve). Stages must not
// overlap, which holds for the loader's sequential steps.
class StageClock final : public Progress {
 public:
  void start(std::string_view what, std::size_t) override {
    current_ = what;
    watch_ = Stopwatch();
  }
  void advance(std::size_t) override {}
  void finish() override { figures_.push_back({"of which " + current_, watch_.seconds(), "s"}); }
  const std::vector<Figure>& figures() const { return figures_; }

 private:
  std::string current_;
  Stopwatch watch_;
  std::vector<Figure> figures_;
};

// Median of `values` (copied); NaN when empty.
double median(std::vector<double> values);

}  // namespace covsim::bench
