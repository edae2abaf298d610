#include "geo/map_classes.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>

#include "geo/detail/number_format.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Anchor colours of the 9-class (11 for diverging) schemes of ColorBrewer, Cynthia Brewer,
// Pennsylvania State University (Apache License 2.0): perceptually ordered and safe for the
// most common colour-vision deficiencies.
struct Anchors {
  const unsigned* hex;
  std::size_t count;
};
constexpr unsigned kYlOrRd[] = {0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c,
                                0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026};
constexpr unsigned kYlGnBu[] = {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4,
                                0x1d91c0, 0x225ea8, 0x253494, 0x081d58};
constexpr unsigned kBlues[] = {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                               0x4292c6, 0x2171b5, 0x08519c, 0x08306b};
constexpr unsigned kGreens[] = {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476,
                                0x41ab5d, 0x238b45, 0x006d2c, 0x00441b};
constexpr unsigned kPurples[] = {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8,
                                 0x807dba, 0x6a51a3, 0x54278f, 0x3f007d};
constexpr unsigned kRdBu[] = {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7,
                              0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac, 0x053061};
constexpr unsigned kRdYlGn[] = {0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf,
                                0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850, 0x006837};

Anchors anchors(Ramp ramp) {
  switch (ramp) {
    case Ramp::yl_or_rd:
      return {kYlOrRd, std::size(kYlOrRd)};
    case Ramp::yl_gn_bu:
      return {kYlGnBu, std::size(kYlGnBu)};
    case Ramp::blues:
      return {kBlues, std::size(kBlues)};
    case Ramp::greens:
      return {kGreens, std::size(kGreens)};
    case Ramp::purples:
      return {kPurples, std::size(kPurples)};
    case Ramp::rd_bu:
      return {kRdBu, std::size(kRdBu)};
    case Ramp::rd_yl_gn:
      return {kRdYlGn, std::size(kRdYlGn)};
  }
  return {kYlOrRd, std::size(kYlOrRd)};
}

Rgb from_hex(unsigned hex) {
  return {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0};
}

[[noreturn]] void bad_scheme(const std::string& where, const std::string& problem) {
  throw InputError("map classes", where, problem);
}

// Fisher's exact optimal partition (what "Jenks natural breaks" computes) on distinct values
// with their counts as weights: minimises the total within-class sum of squared deviations.
// O(k m²) on m distinct values, so large inputs are first thinned to evenly spaced ranks.
std::vector<double> natural_breaks(const std::vector<double>& sorted, int k) {
  constexpr std::size_t kMaxValues = 1500;
  std::vector<double> sample;
  if (sorted.size() <= kMaxValues) {
    sample = sorted;
  } else {
    for (std::size_t i = 0; i < kMaxValues; ++i)
      sample.push_back(sorted[i * (sorted.size() - 1) / (kMaxValues - 1)]);
  }
  std::vector<double> value, weight;
  for (double v : sample) {
    if (!value.empty() && value.back() == v) {
      weight.back() += 1;
    } else {
      value.push_back(v);
      weight.push_back(1);
    }
  }
  const std::size_t m = value.size();
  const auto classes = std::min<std::size_t>(static_cast<std::size_t>(k), m);
  // Prefix sums of weight, weight*v and weight*v² (values shifted by the first for accuracy).
  std::vector<double> w(m + 1, 0), s1(m + 1, 0), s2(m + 1, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const double v = value[i] - value[0];
    w[i + 1] = w[i] + weight[i];
    s1[i + 1] = s1[i] + weight[i] * v;
    s2[i + 1] = s2[i] + weight[i] * v * v;
  }
  auto ssd = [&](std::size_t i, std::size_t j) {  // values i..j inclusive
    const double n = w[j + 1] - w[i], a = s1[j + 1] - s1[i];
    return s2[j + 1] - s2[i] - a * a / n;
  };
  // cost[c][j]: best cost of c+1 classes over values 0..j; start[c][j]: first value of the last.
  std::vector<std::vector<double>> cost(classes, std::vector<double>(m, kInf));
  std::vector<std::vector<std::size_t>> start(classes, std::vector<std::size_t>(m, 0));
  for (std::size_t j = 0; j < m; ++j) cost[0][j] = ssd(0, j);
  for (std::size_t c = 1; c < classes; ++c) {
    for (std::size_t j = c; j < m; ++j) {
      for (std::size_t i = c; i <= j; ++i) {
        const double total = cost[c - 1][i - 1] + ssd(i, j);
        if (total < cost[c][j]) cost[c][j] = total, start[c][j] = i;
      }
    }
  }
  std::vector<double> inner(classes - 1);
  std::size_t j = m - 1;
  for (std::size_t c = classes - 1; c >= 1; --c) {
    inner[c - 1] = value[start[c][j]];
    j = start[c][j] - 1;
  }
  return inner;
}

std::vector<double> computed_edges(const std::vector<double>& sorted, const ClassScheme& scheme) {
  const double lo = sorted.front(), hi = sorted.back();
  const int k = scheme.classes;
  std::vector<double> inner;
  switch (scheme.method) {
    case Classification::quantiles:
      for (int i = 1; i < k; ++i)
        inner.push_back(
            sorted[static_cast<std::size_t>(i) * sorted.size() / static_cast<std::size_t>(k)]);
      break;
    case Classification::equal_interval:
      for (int i = 1; i < k; ++i) inner.push_back(lo + (hi - lo) * i / k);
      break;
    case Classification::natural_breaks:
      inner = natural_breaks(sorted, k);
      break;
    case Classification::manual:
      break;
  }
  if (lo == hi) return {lo, hi};
  std::vector<double> edges{lo};
  for (double e : inner)
    if (e > edges.back() && e < hi) edges.push_back(e);
  // A last class holding only the maximum keeps a heap of values at a cap visible.
  if (!inner.empty() && inner.back() == hi && static_cast<int>(edges.size()) < k)
    edges.push_back(hi);
  edges.push_back(hi);
  return edges;
}

std::vector<Rgb> class_colors(const std::vector<double>& edges, const ClassScheme& scheme) {
  const std::size_t k = edges.size() - 1;
  std::vector<double> t(k, 0.5);
  if (is_diverging(scheme.ramp) && scheme.centre) {
    const double c = *scheme.centre;
    std::vector<double> mid(k);
    double reach = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double a = edges[i], b = edges[i + 1];
      mid[i] = std::isinf(a) ? b : std::isinf(b) ? a : (a + b) / 2;
      reach = std::max(reach, std::abs(mid[i] - c));
    }
    for (std::size_t i = 0; i < k; ++i) {
      const bool holds_centre = edges[i] <= c && c < edges[i + 1];
      t[i] = holds_centre || reach == 0 ? 0.5 : 0.5 + 0.5 * (mid[i] - c) / reach;
    }
  } else if (k > 1) {
    // Sequential ramps skip their near-white end: a first class on white paper must show.
    const double first = is_diverging(scheme.ramp) ? 0.0 : 0.1;
    for (std::size_t i = 0; i < k; ++i)
      t[i] = first + (1 - first) * static_cast<double>(i) / static_cast<double>(k - 1);
  } else {
    t[0] = is_diverging(scheme.ramp) ? 0.5 : 0.55;
  }
  if (scheme.reversed) {
    // Centred classes swap sides of the ramp; others just run it the other way.
    if (is_diverging(scheme.ramp) && scheme.centre)
      for (double& x : t) x = 1 - x;
    else
      std::reverse(t.begin(), t.end());
  }
  std::vector<Rgb> colors;
  for (double x : t) colors.push_back(ramp_color(scheme.ramp, x));
  return colors;
}
}  // namespace

bool is_diverging(Ramp ramp) { return ramp == Ramp::rd_bu || ramp == Ramp::rd_yl_gn; }

Rgb ramp_color(Ramp ramp, double t) {
  const Anchors a = anchors(ramp);
  const double pos = std::clamp(t, 0.0, 1.0) * static_cast<double>(a.count - 1);
  const auto i = std::min(static_cast<std::size_t>(pos), a.count - 2);
  const double f = pos - static_cast<double>(i);
  const Rgb p = from_hex(a.hex[i]), q = from_hex(a.hex[i + 1]);
  return {p.r + (q.r - p.r) * f, p.g + (q.g - p.g) * f, p.b + (q.b - p.b) * f};
}

std::optional<std::size_t> Classes::class_of(double value) const {
  if (std::isnan(value) || colors.empty()) return std::nullopt;
  // Inner edges only: values below the first edge or above the last clamp to the end classes.
  const auto inner_begin = edges.begin() + 1, inner_end = edges.end() - 1;
  const auto above = std::upper_bound(inner_begin, inner_end, value);
  return std::min(static_cast<std::size_t>(above - inner_begin), size() - 1);
}

std::vector<std::string> Classes::labels(std::string_view units, int decimals) const {
  std::set<double> finite;
  for (double e : edges)
    if (std::isfinite(e)) finite.insert(e);
  if (decimals < 0) {
    // The fewest decimals that keep every break distinct and within 5% of the narrowest class
    // of its true value: 0.25 must not read as 0.2 next to a 0.2 – 0.4 class.
    double narrowest = kInf;
    for (auto it = finite.begin(); it != finite.end() && std::next(it) != finite.end(); ++it)
      narrowest = std::min(narrowest, *std::next(it) - *it);
    for (decimals = 0; decimals < 4; ++decimals) {
      const double step = std::pow(10.0, -decimals);
      std::set<std::string> shown;
      double worst = 0;
      for (double e : finite) {
        shown.insert(detail::grouped(e, decimals));
        worst = std::max(worst, std::abs(std::round(e / step) * step - e));
      }
      if (shown.size() == finite.size() && (narrowest == kInf || worst <= 0.05 * narrowest)) break;
    }
  }
  const std::string suffix = units.empty() ? "" : " " + std::string(units);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < size(); ++i) {
    const double a = edges[i], b = edges[i + 1];
    const std::string sa = detail::grouped(a, decimals), sb = detail::grouped(b, decimals);
    if (std::isinf(a) && std::isinf(b))
      out.push_back("all values" + suffix);
    else if (std::isinf(a))
      out.push_back("< " + sb + suffix);
    else if (std::isinf(b))
      out.push_back("≥ " + sa + suffix);
    else if (a == b)
      out.push_back(sa + suffix);
    else
      out.push_back(sa + " – " + sb + suffix);
  }
  return out;
}

Classes classify(std::span<const double> values, const ClassScheme& scheme) {
  Classes out;
  if (scheme.method == Classification::manual) {
    if (scheme.manual_breaks.empty()) bad_scheme("manual breaks", "none given");
    for (std::size_t i = 0; i < scheme.manual_breaks.size(); ++i) {
      const double b = scheme.manual_breaks[i];
      if (!std::isfinite(b))
        bad_scheme("manual breaks", "break " + std::to_string(i + 1) + " is not a number");
      if (i > 0 && !(b > scheme.manual_breaks[i - 1]))
        bad_scheme("manual breaks", "must increase, but break " + std::to_string(i + 1) + " (" +
                                        detail::grouped(b, 3) + ") does not exceed the one before");
    }
    if (scheme.manual_breaks.size() > 8) bad_scheme("manual breaks", "at most 8 (9 classes)");
    out.edges.push_back(-kInf);
    out.edges.insert(out.edges.end(), scheme.manual_breaks.begin(), scheme.manual_breaks.end());
    out.edges.push_back(kInf);
  } else {
    if (scheme.classes < 1 || scheme.classes > 9)
      bad_scheme("classes", "is " + std::to_string(scheme.classes) + ", must be within 1..9");
    std::vector<double> sorted;
    for (double v : values)
      if (!std::isnan(v)) sorted.push_back(v);
    if (sorted.empty()) return out;
    std::sort(sorted.begin(), sorted.end());
    out.edges = computed_edges(sorted, scheme);
  }
  out.colors = class_colors(out.edges, scheme);
  return out;
}

}  // namespace covsim::geo
