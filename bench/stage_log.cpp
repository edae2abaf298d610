#include "bench/stage_log.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "geo/detail/atomic_file.hpp"

namespace covsim::bench {

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return sec(usage.ru_utime) + sec(usage.ru_stime);
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  return in >> one ? one : std::nan("");
}

double current_rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

void StageLog::add(std::string name, Timing timing, std::vector<Figure> figures) {
  StageRecord r{std::move(name), timing.wall,       timing.cpu,
                peak_rss_mib(),  current_rss_mib(), std::move(figures)};
  char head[200];
  std::snprintf(head, sizeof head, "%-50s %9.3f s wall %9.3f s CPU %6.0f MiB peak %6.0f MiB now",
                r.name.c_str(), r.seconds, r.cpu_seconds, r.peak_rss_mib, r.rss_mib);
  std::cout << head << '\n';
  for (const Figure& f : r.figures) {
    char line[160];
    std::snprintf(line, sizeof line, "    %-46s %16.6g %s", f.name.c_str(), f.value,
                  f.unit.c_str());
    std::cout << line << '\n';
  }
  std::cout.flush();
  stages_.push_back(std::move(r));
}

nlohmann::json StageLog::to_json() const {
  nlohmann::json stages = nlohmann::json::array();
  for (const StageRecord& r : stages_) {
    nlohmann::json figures = nlohmann::json::object();
    for (const Figure& f : r.figures) figures[f.name] = {{"value", f.value}, {"unit", f.unit}};
    stages.push_back({{"name", r.name},
                      {"seconds", r.seconds},
                      {"cpu_seconds", r.cpu_seconds},
                      {"peak_rss_mib", r.peak_rss_mib},
                      {"rss_mib", r.rss_mib},
                      {"figures", figures}});
  }
  return {{"stages", stages}, {"measures", measures_}, {"notes", notes_}};
}

double median(std::vector<double> values) {
  if (values.empty()) return std::nan("");
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  if (values.size() % 2 == 1) return *mid;
  return (*std::max_element(values.begin(), mid) + *mid) / 2;
}

void StageLog::save(const std::filesystem::path& out_dir) const {
  const std::filesystem::path file = out_dir / "covsim.json";
  geo::detail::write_atomically(file, true, [&](const std::filesystem::path& p) {
    std::ofstream(p) << to_json().dump(2) << '\n';
  });
  std::cout << "\npeak memory " << peak_rss_mib() << " MiB; results in " << file << '\n';
}

}  // namespace covsim::bench
