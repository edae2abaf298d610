#include "geo/cog_join.hpp"

#include <nlohmann/json.hpp>

#include "geo/detail/ogr_layer.hpp"
#include "geo/error.hpp"
#include "geo/text_input.hpp"

namespace covsim::geo {

namespace {

using nlohmann::json;

json parse_file(const std::filesystem::path& path) {
  // Bounded and regular files only; nlohmann's parser checks UTF-8 itself, naming the byte.
  const std::string text = read_text_input(path, "COG file", kDataMaxBytes, /*utf8=*/false);
  try {
    json j = json::parse(text);
    if (!j.is_array()) throw InputError(path.string(), "", "expected a JSON array of entries");
    return j;
  } catch (const json::parse_error& e) {
    std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line..."
    if (const std::size_t cut = what.find("] "); cut != std::string::npos) what.erase(0, cut + 2);
    throw InputError(path.string(), "byte " + std::to_string(e.byte), "malformed JSON: " + what);
  }
}

// Reads entries of one file with the location of each failure: "entry 12 (code 35001)".
class Entries {
 public:
  explicit Entries(const std::filesystem::path& path)
      : file_(path.string()), j_(parse_file(path)) {}

  std::size_t size() const { return j_.size(); }
  const json& operator[](std::size_t i) const { return j_[i]; }

  std::string where(std::size_t i) const {
    std::string s = "entry " + std::to_string(i);
    const json& e = j_[i];
    if (e.is_object() && e.contains("code") && e["code"].is_string())
      s += " (code " + e["code"].get<std::string>() + ")";
    return s;
  }
  std::string text(std::size_t i, const char* key) const {
    const json& e = j_[i];
    if (!e.is_object() || !e.contains(key) || !e[key].is_string())
      throw InputError(file_, where(i), std::string("missing text key '") + key + "'");
    return e[key].get<std::string>();
  }
  [[noreturn]] void fail(std::size_t i, const std::string& problem) const {
    throw InputError(file_, where(i), problem);
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  json j_;
};

NamedCodes read_named(const Entries& e) {
  NamedCodes n;
  for (std::size_t i = 0; i < e.size(); ++i) {
    n.code.push_back(e.text(i, "code"));
    n.name.push_back(e.text(i, "nom"));
  }
  return n;
}

std::uint32_t index_of(const NamedCodes& n, std::string_view code) {
  for (std::uint32_t i = 0; i < n.size(); ++i)
    if (n.code[i] == code) return i;
  return kNoIndex;
}

}  // namespace

const char* to_string(CodeKind k) {
  switch (k) {
    case CodeKind::current:
      return "current commune";
    case CodeKind::delegated:
      return "delegated commune";
    case CodeKind::associated:
      return "associated commune";
    case CodeKind::municipal_arrondissement:
      return "municipal arrondissement";
    case CodeKind::former:
      return "former code";
    case CodeKind::unknown:
      return "unknown code";
  }
  return "?";
}

CodeMatch Cog::match(std::string_view c) const {
  const std::string key(c);
  if (auto it = current_.find(key); it != current_.end()) return {CodeKind::current, it->second};
  if (auto it = parts_.find(key); it != parts_.end()) return it->second;
  return {};
}

std::uint32_t Cog::find_department(std::string_view c) const { return index_of(departments, c); }

void Cog::add_current(std::string c, std::string n, double pop, std::uint32_t dep,
                      std::uint32_t reg) {
  current_.emplace(c, static_cast<std::uint32_t>(code.size()));
  code.push_back(std::move(c));
  name.push_back(std::move(n));
  population.push_back(pop);
  department.push_back(dep);
  region.push_back(reg);
  epci.push_back(kNoIndex);
}

void Cog::add_part(std::string c, CodeKind kind, std::uint32_t commune) {
  // The enum lists the kinds from the most to the least specific: a delegated commune's own
  // chef-lieu is more telling than its presence in some `anciensCodes`.
  auto [it, inserted] = parts_.emplace(std::move(c), CodeMatch{kind, commune});
  if (!inserted && kind < it->second.kind) it->second = {kind, commune};
}

Cog read_cog(const std::filesystem::path& dir) {
  Cog cog;
  cog.source = dir.string();
  {
    const Entries regions(dir / "regions.json");
    cog.regions = read_named(regions);
    const Entries deps(dir / "departements.json");
    cog.departments = read_named(deps);
    for (std::size_t i = 0; i < deps.size(); ++i) {
      cog.department_region.push_back(index_of(cog.regions, deps.text(i, "region")));
      if (cog.department_region.back() == kNoIndex)
        deps.fail(i, "region " + deps.text(i, "region") + " is not in regions.json");
    }
  }

  const Entries communes(dir / "communes.json");
  struct Pending {
    std::size_t entry;
    CodeKind kind;
    std::string part;    // the code that now belongs to `parent`
    std::string parent;  // a current commune code
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < communes.size(); ++i) {
    const std::string type = communes.text(i, "type");
    const std::string c = communes.text(i, "code");
    if (type == "commune-actuelle") {
      const std::string dep = communes.text(i, "departement");
      const std::uint32_t d = cog.find_department(dep);
      if (d == kNoIndex) communes.fail(i, "department " + dep + " is not in departements.json");
      const std::uint32_t r = index_of(cog.regions, communes.text(i, "region"));
      if (r == kNoIndex) communes.fail(i, "region is not in regions.json");
      double pop = 0;
      if (communes[i].contains("population")) {
        const json& p = communes[i]["population"];
        if (!p.is_number() || p.get<double>() < 0)
          communes.fail(i, "population is not a non-negative number");
        pop = p.get<double>();
      }
      if (cog.match(c).kind == CodeKind::current) communes.fail(i, "current code appears twice");
      cog.add_current(c, communes.text(i, "nom"), pop, d, r);
      if (communes[i].contains("anciensCodes")) {
        const json& former = communes[i]["anciensCodes"];
        if (!former.is_array()) communes.fail(i, "'anciensCodes' is not an array");
        for (const json& f : former) {
          if (!f.is_string()) communes.fail(i, "'anciensCodes' holds a non-text entry");
          pending.push_back({i, CodeKind::former, f.get<std::string>(), c});
        }
      }
    } else if (type == "commune-deleguee") {
      pending.push_back({i, CodeKind::delegated, c, communes.text(i, "chefLieu")});
    } else if (type == "commune-associee") {
      pending.push_back({i, CodeKind::associated, c, communes.text(i, "chefLieu")});
    } else if (type == "arrondissement-municipal") {
      pending.push_back({i, CodeKind::municipal_arrondissement, c, communes.text(i, "commune")});
    } else {
      communes.fail(i, "unknown type '" + type + "'");
    }
  }
  // Parents may come later in the file: resolve once every current commune is known.
  for (const Pending& p : pending) {
    const CodeMatch m = cog.match(p.parent);
    if (m.kind != CodeKind::current)
      communes.fail(p.entry, std::string(to_string(p.kind)) + " " + p.part + " points to " +
                                 p.parent + ", which is not a current commune");
    if (cog.match(p.part).kind == CodeKind::current) continue;  // current wins, see match()
    cog.add_part(p.part, p.kind, m.commune);
  }

  const Entries epcis(dir / "epci.json");
  cog.epcis = read_named(epcis);
  for (std::size_t i = 0; i < epcis.size(); ++i) {
    const json& members = epcis[i].contains("membres") ? epcis[i]["membres"] : json();
    if (!members.is_array()) epcis.fail(i, "missing array 'membres'");
    for (const json& m : members) {
      const std::string c = m.is_object() && m.contains("code") && m["code"].is_string()
                                ? m["code"].get<std::string>()
                                : std::string();
      const CodeMatch cm = cog.match(c);
      if (cm.kind != CodeKind::current)
        epcis.fail(i, "member '" + c + "' is not a current commune");
      if (cog.epci[cm.commune] != kNoIndex)
        epcis.fail(
            i, "member " + c + " already belongs to EPCI " + cog.epcis.code[cog.epci[cm.commune]]);
      cog.epci[cm.commune] = static_cast<std::uint32_t>(i);
    }
  }
  return cog;
}

CodeMapping read_code_mapping(const std::filesystem::path& path, const InputAccess& access) {
  const std::string columns[] = {"old_code", "new_code"};
  const std::string roles[] = {"old code column", "new code column"};
  const detail::StringTable t = detail::read_string_table(path, "", columns, roles, access);
  CodeMapping m;
  m.source = t.source;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string& old_code = t.columns[0][r];
    const std::string& new_code = t.columns[1][r];
    if (old_code.empty() || new_code.empty())
      throw InputError(t.source, t.where[r], "old_code and new_code must both be given");
    auto [it, inserted] = m.by_old_code.emplace(old_code, CodeMapping::Entry{new_code, t.where[r]});
    if (!inserted)
      throw InputError(t.source, t.where[r],
                       "old code " + old_code + " is already mapped (" + it->second.where + ")");
  }
  return m;
}

}  // namespace covsim::geo
