#include "geo/spatial_order.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace covsim::geo {

namespace {

constexpr int kBits = 16;
constexpr std::uint32_t kCells = 1u << kBits;

template <class T>
void apply(std::vector<T>& column, std::span<const std::uint32_t> order) {
  std::vector<T> out;
  out.reserve(column.size());
  for (std::uint32_t old : order) out.push_back(std::move(column[old]));
  column = std::move(out);
}

}  // namespace

std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y) {
  // Walk from the coarsest quadrant down. At each level the quadrant adds s*s times its rank
  // on the curve (0 lower-left, 1 upper-left, 2 upper-right, 3 lower-right), then the lower
  // quadrants are reflected so the sub-curve inside has the same orientation as the whole.
  std::uint64_t d = 0;
  for (std::uint32_t s = kCells / 2; s > 0; s /= 2) {
    const std::uint32_t rx = (x & s) ? 1 : 0;
    const std::uint32_t ry = (y & s) ? 1 : 0;
    d += std::uint64_t{s} * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x ^= kCells - 1;
        y ^= kCells - 1;
      }
      std::swap(x, y);
    }
  }
  return d;
}

std::vector<std::uint32_t> hilbert_order(std::span<const Point> points) {
  Box box;
  for (const Point& p : points) box.expand(p);
  // One scale for both axes keeps the curve's squares square on the ground.
  const double extent = std::max(box.width(), box.height());
  const double scale = extent > 0 ? (kCells - 1) / extent : 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(points.size());
  for (std::uint32_t i = 0; i < points.size(); ++i) {
    const auto cell = [&](double v, double lo) {
      return static_cast<std::uint32_t>(
          std::clamp(std::floor((v - lo) * scale), 0.0, kCells - 1.0));
    };
    keyed[i] = {hilbert_index(cell(points[i].x, box.min_x), cell(points[i].y, box.min_y)), i};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::uint32_t> order(points.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  return order;
}

void permute(Territory& t, std::span<const std::uint32_t> order) {
  assert(order.size() == t.size());
  apply(t.code, order);
  apply(t.name, order);
  apply(t.population, order);
  apply(t.priority_population, order);
  apply(t.demand, order);
  apply(t.area_km2, order);
  apply(t.shape, order);
  for (Grouping& g : t.groupings) apply(g.of, order);
  t.index_codes();
}

void order_spatially(Territory& t) { permute(t, hilbert_order(t.demand)); }

}  // namespace covsim::geo
