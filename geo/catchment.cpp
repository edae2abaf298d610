#include "geo/catchment.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <string>

#include "geo/detail/geos.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {
constexpr const char* kWhat = "catchments";

enum class Method { none, coverage, general, repaired };

// Members of each group as CSR: group g holds member[first[g] .. first[g + 1]).
struct GroupMembers {
  std::vector<std::uint32_t> first;
  std::vector<std::uint32_t> member;
};

GroupMembers group_members(std::span<const GroupId> group_of, std::size_t group_count) {
  GroupMembers m;
  m.first.assign(group_count + 1, 0);
  for (std::size_t i = 0; i < group_of.size(); ++i) {
    const GroupId g = group_of[i];
    if (g == kNoGroup) continue;
    if (g >= group_count)
      throw InputError(kWhat, "polygon " + std::to_string(i),
                       "group id " + std::to_string(g) + " is not below the group count " +
                           std::to_string(group_count));
    ++m.first[g + 1];
  }
  for (std::size_t g = 0; g < group_count; ++g) m.first[g + 1] += m.first[g];
  m.member.resize(m.first.back());
  std::vector<std::uint32_t> next(m.first.begin(), m.first.end() - 1);
  for (std::size_t i = 0; i < group_of.size(); ++i)
    if (group_of[i] != kNoGroup) m.member[next[group_of[i]]++] = static_cast<std::uint32_t>(i);
  return m;
}

double geos_area(const detail::GeosContext& ctx, const GEOSGeometry* g) {
  double a = 0;
  GEOSArea_r(ctx, g, &a);
  return a;
}

// The coverage union only merges shared edges: it is exact and fast for a clean tiling, but
// silently wrong for overlapping members. A union of non-overlapping pieces keeps their total
// area, so a valid result with that area is the coverage union's own proof.
detail::GeomPtr coverage_union(const detail::GeosContext& ctx, const GEOSGeometry* parts,
                               double parts_area) {
  detail::GeomPtr u = detail::own(ctx, GEOSCoverageUnion_r(ctx, parts));
  if (!u || GEOSisValid_r(ctx, u.get()) != 1) return nullptr;
  const double tolerance = 1e-9 * parts_area;
  if (std::abs(geos_area(ctx, u.get()) - parts_area) > tolerance) return nullptr;
  return u;
}

MultiPolygon dissolve_group(const detail::GeosContext& ctx, std::span<const MultiPolygon> polygons,
                            std::span<const std::uint32_t> members, std::size_t group,
                            Method& method) {
  MultiPolygon parts;  // every member polygon, as one (possibly self-touching) collection
  double parts_area = 0;
  for (std::uint32_t i : members) {
    const MultiPolygon& m = polygons[i];
    for (std::size_t p = 0; p < m.polygon_count(); ++p) {
      for (std::uint32_t r = m.polygon_begin(p); r < m.polygon_end[p]; ++r)
        parts.add_ring(m.ring(r));
      parts.end_polygon();
    }
    parts_area += m.area();
  }
  if (parts.empty()) {
    method = Method::none;
    return parts;
  }
  const detail::GeomPtr input = detail::to_geos(ctx, parts);
  if (detail::GeomPtr u = coverage_union(ctx, input.get(), parts_area)) {
    method = Method::coverage;
    return detail::to_multipolygon(ctx, u.get());
  }
  // The overlay union is only defined for valid input: on a bow-tie it may fail or return a
  // wrong area rather than an error. Invalid members are repaired one by one before it.
  const int n = GEOSGetNumGeometries_r(ctx, input.get());
  bool all_valid = true;
  for (int i = 0; i < n && all_valid; ++i)
    all_valid = GEOSisValid_r(ctx, GEOSGetGeometryN_r(ctx, input.get(), i)) == 1;
  detail::GeomPtr u;
  if (all_valid) {
    method = Method::general;
    u = detail::own(ctx, GEOSUnaryUnion_r(ctx, input.get()));
  } else {
    method = Method::repaired;
    std::vector<GEOSGeometry*> repaired;
    for (int i = 0; i < n; ++i) {
      GEOSGeometry* v = GEOSMakeValid_r(ctx, GEOSGetGeometryN_r(ctx, input.get(), i));
      if (!v) {
        for (GEOSGeometry* r : repaired) GEOSGeom_destroy_r(ctx, r);
        throw InputError(kWhat, "group " + std::to_string(group),
                         "GEOS cannot repair one of its polygons: " + ctx.last_error());
      }
      repaired.push_back(v);
    }
    detail::GeomPtr collection =
        detail::own(ctx, GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, repaired.data(),
                                                     static_cast<unsigned>(repaired.size())));
    u = detail::own(ctx, GEOSUnaryUnion_r(ctx, collection.get()));
  }
  if (!u)
    throw InputError(kWhat,
                     "group " + std::to_string(group) + " (first member: polygon " +
                         std::to_string(members.front()) + ")",
                     "GEOS cannot dissolve its polygons: " + ctx.last_error());
  return detail::to_multipolygon(ctx, u.get());
}
}  // namespace

Catchments dissolve(std::span<const MultiPolygon> polygons, std::span<const GroupId> group_of,
                    std::size_t group_count, Progress& progress) {
  if (group_of.size() != polygons.size())
    throw InputError(kWhat, "",
                     std::to_string(group_of.size()) + " group ids for " +
                         std::to_string(polygons.size()) + " polygons");
  const GroupMembers groups = group_members(group_of, group_count);

  Catchments out;
  out.shape.resize(group_count);
  out.members.resize(group_count);
  std::vector<Method> method(group_count, Method::none);
  tbb::enumerable_thread_specific<detail::GeosContext> contexts;
  progress.start("dissolving catchments", group_count);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, group_count, 8),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      const detail::GeosContext& ctx = contexts.local();
                      for (std::size_t g = range.begin(); g != range.end(); ++g) {
                        const std::span<const std::uint32_t> members(
                            groups.member.data() + groups.first[g],
                            groups.first[g + 1] - groups.first[g]);
                        out.members[g] = static_cast<std::uint32_t>(members.size());
                        out.shape[g] = dissolve_group(ctx, polygons, members, g, method[g]);
                      }
                      progress.advance(range.size());
                    });
  progress.finish();
  for (Method m : method) {
    out.coverage_unions += m == Method::coverage;
    out.general_unions += m == Method::general;
    out.repaired_groups += m == Method::repaired;
  }
  return out;
}

}  // namespace covsim::geo
