#include "app/sweep_shards.hpp"

#include <algorithm>
#include <charconv>

#include "geo/detail/binary_cache.hpp"
#include "geo/error.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

constexpr geo::detail::Magic kMagic = {'C', 'O', 'V', 'S', 'I', 'M', 'S', 'H'};
constexpr std::uint32_t kVersion = 1;
constexpr const char* kExtension = ".covsim-shard";

std::uint32_t whole(const std::string& text, std::size_t from, std::size_t to) {
  std::uint32_t v = 0;
  const char* b = text.data() + from;
  const char* e = text.data() + to;
  const auto [end, ec] = std::from_chars(b, e, v);
  if (b == e || ec != std::errc() || end != e)
    throw InputError("--shard", text, "is not I/N with whole numbers (e.g. 2/8)");
  return v;
}

template <class T>
void hash_bytes(std::uint64_t& h, const std::vector<T>& v) {
  h ^= geo::detail::checksum(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)) +
       0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
}

}  // namespace

ShardSpec parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos)
    throw InputError("--shard", text, "is not I/N with whole numbers (e.g. 2/8)");
  ShardSpec s{whole(text, 0, slash), whole(text, slash + 1, text.size())};
  if (s.count < 1 || s.count > kMaxShards || s.index < 1 || s.index > s.count)
    throw InputError("--shard", text, "I must be 1 to N and N 1 to " + std::to_string(kMaxShards));
  return s;
}

std::string shard_file_name(const ShardSpec& spec) {
  return "sweep-shard-" + std::to_string(spec.index) + "-of-" + std::to_string(spec.count) +
         kExtension;
}

std::uint64_t scenario_checksum(const Scenario& s) {
  return geo::detail::checksum(s.yaml_text.data(), s.yaml_text.size());
}

std::uint64_t baseline_checksum(const Prepared& p, const Baseline& b) {
  std::uint64_t h = p.territory.size() * 0x100000001B3ull + b.posts.size();
  hash_bytes(h, p.territory.population);
  hash_bytes(h, b.communes.nearest_minutes);
  hash_bytes(h, b.communes.reached);
  hash_bytes(h, b.communes.access);
  hash_bytes(h, b.communes.has_permanence);
  return h;
}

void write_shard_file(const fs::path& file, const ShardFile& f) {
  geo::detail::BinaryWriter w(kMagic, kVersion, "");
  w.put_text(f.scenario.string());
  for (std::uint64_t v : {f.scenario_checksum, f.seed, f.baseline_checksum}) w.put(v);
  for (std::uint32_t v :
       {f.draws, f.spec.index, f.spec.count, f.partial.range.first, f.partial.range.end})
    w.put(v);
  const sim::SweepPartial& p = f.partial;
  for (std::uint64_t v : {p.figure_slots, p.rows, p.thresholds, p.communes,
                          static_cast<std::uint64_t>(p.passes.size())})
    w.put(v);
  for (const sim::SweepPassDraws& d : p.passes) {
    w.put_array(d.figures);
    w.put_array(d.unreached);
    w.put_array(d.losses);
    w.put_array(d.minutes);
    w.put_array(d.permanence_losses);
  }
  geo::detail::save_binary(file, w, "the sweep shard");
}

namespace {

ShardFile read_one(const fs::path& file) {
  std::string bytes, why;
  auto body = geo::detail::open_binary(file, kMagic, kVersion, "", bytes, why);
  if (!body)
    throw InputError(file.string(), "",
                     why == "no cache yet" ? "cannot be opened" : "not a usable shard: " + why);
  try {
    geo::detail::BinaryReader& r = *body;
    ShardFile f;
    f.source = file;
    f.scenario = r.get_text();
    f.scenario_checksum = r.get<std::uint64_t>();
    f.seed = r.get<std::uint64_t>();
    f.baseline_checksum = r.get<std::uint64_t>();
    f.draws = r.get<std::uint32_t>();
    f.spec.index = r.get<std::uint32_t>();
    f.spec.count = r.get<std::uint32_t>();
    sim::SweepPartial& p = f.partial;
    p.range.first = r.get<std::uint32_t>();
    p.range.end = r.get<std::uint32_t>();
    p.figure_slots = r.get<std::uint64_t>();
    p.rows = r.get<std::uint64_t>();
    p.thresholds = r.get<std::uint64_t>();
    p.communes = r.get<std::uint64_t>();
    const auto passes = r.get<std::uint64_t>();
    if (passes > 1'000'000) throw geo::detail::CorruptBinary{"an implausible number of passes"};
    for (std::uint64_t i = 0; i < passes; ++i) {
      sim::SweepPassDraws& d = p.passes.emplace_back();
      d.figures = r.get_array<double>();
      d.unreached = r.get_array<double>();
      d.losses = r.get_array<std::uint64_t>();
      d.minutes = r.get_array<std::int64_t>();
      d.permanence_losses = r.get_array<std::uint64_t>();
    }
    r.expect_end();
    return f;
  } catch (const geo::detail::CorruptBinary& e) {
    throw InputError(file.string(), "", "not a usable shard: corrupt (" + e.what + ")");
  }
}

std::string spec_text(const ShardFile& f) {
  return std::to_string(f.spec.index) + "/" + std::to_string(f.spec.count);
}

}  // namespace

std::vector<ShardFile> read_shard_files(const std::vector<fs::path>& places) {
  std::vector<fs::path> files;
  for (const fs::path& place : places) {
    std::error_code ec;
    if (fs::is_directory(place, ec)) {
      for (const auto& e : fs::directory_iterator(place, ec))
        if (e.path().extension() == kExtension && e.is_regular_file(ec)) files.push_back(e.path());
      if (ec) throw InputError(place.string(), "", "cannot list: " + ec.message());
    } else if (fs::is_regular_file(place, ec)) {
      files.push_back(place);
    } else {
      throw InputError(place.string(), "", "no such folder or shard file");
    }
  }
  if (files.empty())
    throw InputError(places.front().string(), "",
                     std::string("no shard file (*") + kExtension +
                         ") found: run `covsim sweep --shard I/N` first");
  std::vector<ShardFile> shards;
  for (const fs::path& f : files) shards.push_back(read_one(f));
  const ShardFile& a = shards.front();
  for (const ShardFile& b : shards) {
    const auto refuse = [&](const std::string& what) {
      throw InputError(b.source.string(), "shard " + spec_text(b),
                       "is not a shard of the same sweep as " + a.source.string() + ": " + what);
    };
    if (b.scenario != a.scenario)
      refuse("scenario " + (b.scenario.empty() ? "(embedded default)" : b.scenario.string()) +
             " against " + (a.scenario.empty() ? "(embedded default)" : a.scenario.string()));
    if (b.scenario_checksum != a.scenario_checksum) refuse("the scenario's text differs");
    if (b.seed != a.seed)
      refuse("seed " + std::to_string(b.seed) + " against " + std::to_string(a.seed));
    if (b.draws != a.draws)
      refuse(std::to_string(b.draws) + " draws against " + std::to_string(a.draws));
    if (b.spec.count != a.spec.count)
      refuse(std::to_string(b.spec.count) + " shards against " + std::to_string(a.spec.count));
    if (b.baseline_checksum != a.baseline_checksum)
      refuse("its baseline (territory, posts, coverage) differs: the data changed between runs");
    const sim::DrawRange expected = sim::shard_draws(b.draws, b.spec.index, b.spec.count);
    if (b.partial.range.first != expected.first || b.partial.range.end != expected.end)
      refuse("its draws are not those of its shard number");
  }
  std::sort(shards.begin(), shards.end(),
            [](const ShardFile& x, const ShardFile& y) { return x.spec.index < y.spec.index; });
  for (std::size_t i = 0; i < shards.size(); ++i)
    if (i > 0 && shards[i].spec.index == shards[i - 1].spec.index)
      throw InputError(shards[i].source.string(), "shard " + spec_text(shards[i]),
                       "is given twice (also " + shards[i - 1].source.string() + ")");
  std::vector<std::string> missing;
  std::size_t at = 0;
  for (std::uint32_t i = 1; i <= a.spec.count; ++i) {
    if (at < shards.size() && shards[at].spec.index == i) {
      ++at;
      continue;
    }
    if (missing.size() < 10) missing.push_back(std::to_string(i));
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw InputError(places.front().string(), "shards",
                     std::to_string(a.spec.count - shards.size()) + " of " +
                         std::to_string(a.spec.count) + " shard(s) missing (first: " + list + ")");
  }
  return shards;
}

}  // namespace covsim::app
