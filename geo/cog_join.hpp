// The official geographic code (COG) of INSEE, as published by @etalab/decoupage-administratif
// (communes.json, epci.json, departements.json, regions.json): which current commune a polygon
// code belongs to today, and the population, department, region and EPCI of every current
// commune. Polygons are older than the code: communes merge every year, so a loader maps each
// polygon code to its current commune and dissolves the parts (see load_territory).
//
//   const Cog cog = read_cog("/work/shared/data/cog-2026");
//   CodeMatch m = cog.match("35001");  // m.kind == CodeKind::current, cog.code[m.commune] ==
//   "35001"
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/input_access.hpp"

namespace covsim::geo {

enum class CodeKind {
  current,                   // commune actuelle
  delegated,                 // commune déléguée: part of its chef-lieu
  associated,                // commune associée: part of its chef-lieu
  municipal_arrondissement,  // Paris, Lyon, Marseille arrondissements: part of the commune
  former,                    // listed in a current commune's `anciensCodes` (merged, no status)
  unknown,
};
const char* to_string(CodeKind k);

inline constexpr std::uint32_t kNoIndex = std::numeric_limits<std::uint32_t>::max();

struct CodeMatch {
  CodeKind kind = CodeKind::unknown;
  std::uint32_t commune = kNoIndex;  // index of the current commune in Cog, kNoIndex if unknown
};

// Codes and display names, indexed by a dense id.
struct NamedCodes {
  std::vector<std::string> code;
  std::vector<std::string> name;
  std::size_t size() const { return code.size(); }
};

struct Cog {
  std::string source;  // the directory it was read from

  // Current communes, in file order, as parallel columns.
  std::vector<std::string> code;
  std::vector<std::string> name;
  // Municipal population; 0 for the few uninhabited communes the COG lists without one
  // (French Southern Lands, Clipperton).
  std::vector<double> population;
  std::vector<std::uint32_t> department;  // index into departments
  std::vector<std::uint32_t> region;      // index into regions
  std::vector<std::uint32_t> epci;        // index into epcis, kNoIndex for the few outside any

  NamedCodes departments;
  std::vector<std::uint32_t> department_region;  // department -> index into regions
  NamedCodes regions;
  NamedCodes epcis;

  std::size_t size() const { return code.size(); }
  // A current code wins over a delegated commune that carries the same code (a commune nouvelle
  // often keeps its chef-lieu's code, which then appears twice in communes.json).
  CodeMatch match(std::string_view code) const;
  // Index of a department code ("35", "2A", "971"), kNoIndex if unknown.
  std::uint32_t find_department(std::string_view code) const;

  // Filled by read_cog; exposed so tests can build a tiny Cog by hand through add_* below.
  void add_current(std::string code, std::string name, double population, std::uint32_t department,
                   std::uint32_t region);
  // Records that `code` now belongs to current commune `commune` (kind is not current).
  void add_part(std::string code, CodeKind kind, std::uint32_t commune);

 private:
  std::unordered_map<std::string, std::uint32_t> current_;
  std::unordered_map<std::string, CodeMatch> parts_;  // the most specific kind wins
};

// Reads communes.json, epci.json, departements.json and regions.json from `dir`. Throws
// InputError naming the file and the entry (index and code) for missing files, malformed JSON,
// missing keys, unknown types and references to communes or departments that do not exist.
Cog read_cog(const std::filesystem::path& dir);

// An explicit old_code -> new_code table (CSV or any OGR table with columns old_code and
// new_code), for codes the COG cannot place or that a planner wants placed differently.
struct CodeMapping {
  std::string source;
  struct Entry {
    std::string new_code;
    std::string where;  // "line 3"
  };
  std::unordered_map<std::string, Entry> by_old_code;
};

// Throws InputError naming the file and line for a missing column, an empty code or an old code
// given twice.
CodeMapping read_code_mapping(const std::filesystem::path& path, const InputAccess& access = {});

}  // namespace covsim::geo
