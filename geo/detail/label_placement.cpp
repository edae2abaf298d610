#include "geo/detail/label_placement.hpp"

#include <algorithm>
#include <numeric>

namespace covsim::geo::detail {

double overlap_area(const Box& a, const Box& b) {
  const double w = std::min(a.max_x, b.max_x) - std::max(a.min_x, b.min_x);
  const double h = std::min(a.max_y, b.max_y) - std::max(a.min_y, b.min_y);
  return w > 0 && h > 0 ? w * h : 0;
}

std::vector<std::optional<Point>> place_labels(const std::vector<LabelBox>& labels,
                                               const Box& frame, std::vector<Box>& taken) {
  std::vector<std::optional<Point>> out(labels.size());
  std::vector<std::size_t> order(labels.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return labels[a].priority > labels[b].priority;
  });
  auto inside = [&](const Box& b) {
    return b.min_x >= frame.min_x && b.max_x <= frame.max_x && b.min_y >= frame.min_y &&
           b.max_y <= frame.max_y;
  };
  const std::size_t symbols = taken.size();  // what was on the map before any name
  for (const std::size_t i : order) {
    const LabelBox& l = labels[i];
    const Point c = l.anchor;
    if (!inside({c.x, c.y, c.x, c.y})) continue;
    // Beside the symbol drawn on the place, if any, rather than over it.
    double r = 0;
    for (std::size_t k = 0; k < symbols; ++k) {
      const Box& o = taken[k];
      if (c.x >= o.min_x && c.x <= o.max_x && c.y >= o.min_y && c.y <= o.max_y)
        r = std::max({r, c.x - o.min_x, o.max_x - c.x, c.y - o.min_y, o.max_y - c.y});
    }
    const double gap = r + l.gap, w = l.width, asc = l.ascent, des = l.descent;
    const double mid = (asc - des) / 2;
    const Point spots[] = {{c.x + gap, c.y + mid},         {c.x - gap - w, c.y + mid},
                           {c.x - w / 2, c.y - gap - des}, {c.x - w / 2, c.y + gap + asc},
                           {c.x + gap, c.y - gap - des},   {c.x - gap - w, c.y - gap - des},
                           {c.x + gap, c.y + gap + asc},   {c.x - gap - w, c.y + gap + asc}};
    for (const Point& at : spots) {
      const Box b{at.x - 1, at.y - asc - 1, at.x + w + 1, at.y + des + 1};
      if (!inside(b) || std::any_of(taken.begin(), taken.end(),
                                    [&](const Box& o) { return overlap_area(b, o) > 0; }))
        continue;
      taken.push_back(b);
      out[i] = at;
      break;
    }
  }
  return out;
}

}  // namespace covsim::geo::detail
