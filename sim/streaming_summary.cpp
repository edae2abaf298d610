#include "sim/streaming_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace covsim::sim {

namespace {
constexpr double kNoDraws = std::numeric_limits<double>::quiet_NaN();

// The smallest power of two >= x (x > 0).
double power_of_two_at_least(double x) {
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m 2^e, m in [0.5, 1)
  return m == 0.5 ? std::ldexp(1.0, e - 1) : std::ldexp(1.0, e);
}
}  // namespace

StreamingSummary::StreamingSummary(std::size_t exact_capacity)
    : capacity_(std::max<std::size_t>(exact_capacity, 2)) {}

std::size_t StreamingSummary::max_bytes() const {
  return sizeof(*this) + capacity_ * (sizeof(double) + sizeof(std::uint32_t));
}

void StreamingSummary::add(double v) {
  if (std::isnan(v)) {
    ++missing_;
    return;
  }
  sum_ += v;
  min_ = finite_ == 0 ? v : std::min(min_, v);
  max_ = finite_ == 0 ? v : std::max(max_, v);
  ++finite_;
  if (exact()) {
    if (values_.size() < capacity_) {
      values_.push_back(v);
      return;
    }
    start_histogram(v);
  }
  count(v);
}

// Bins sized so that the values so far and the one arriving fit:
// (B - 1) w >= max - min with the origin at a multiple of w below min keeps max inside. A
// floor of 2^-40 of the magnitude gives equal values a bin of their own.
// Infinite values go to the end bins and do not widen them.
void StreamingSummary::start_histogram(double arriving) {
  double lo = std::isfinite(arriving) ? arriving : 0, hi = lo;
  for (const double v : values_)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const double bins = static_cast<double>(capacity_);
  const double magnitude = std::max({std::fabs(lo), std::fabs(hi), 1e-300});
  width_ = power_of_two_at_least(std::max((hi - lo) / (bins - 1), std::ldexp(magnitude, -40)));
  origin_ = std::floor(lo / width_) * width_;
  counts_.assign(capacity_, 0);
  for (const double v : values_) count(v);
  values_.clear();
  values_.shrink_to_fit();
}

// Twice the width: new bin j covers old bins 2j - k and 2j - k + 1. The origin stays a multiple
// of the width, and the old range stays covered: [o, o + B w) within [o2, o2 + 2 B w) for any
// multiple o2 of 2w in [o - B w, o]; `down` takes the lowest one, to reach a smaller value.
void StreamingSummary::collapse(bool down) {
  const double bins = static_cast<double>(counts_.size());
  const double wider = 2 * width_;
  const double origin = down ? std::ceil((origin_ - bins * width_) / wider) * wider
                             : std::floor(origin_ / wider) * wider;
  const auto shift = static_cast<std::size_t>(std::llround((origin_ - origin) / width_));
  std::vector<std::uint32_t> merged(counts_.size(), 0);
  for (std::size_t i = 0; i < counts_.size(); ++i) merged[(i + shift) / 2] += counts_[i];
  counts_ = std::move(merged);
  origin_ = origin;
  width_ = wider;
}

void StreamingSummary::count(double v) {
  const double bins = static_cast<double>(counts_.size());
  if (std::isinf(v)) {
    counts_[v < 0 ? 0 : counts_.size() - 1] += 1;
    return;
  }
  while (v < origin_ || v >= origin_ + bins * width_) collapse(v < origin_);
  const double i = std::floor((v - origin_) / width_);
  counts_[static_cast<std::size_t>(std::clamp(i, 0.0, bins - 1))] += 1;
}

// The value of rank `rank` (0-based, ascending), placed within its bin by its rank among the
// bin's values: within one bin width of the true order statistic.
double StreamingSummary::value_at_rank(std::size_t rank) const {
  std::size_t before = 0;
  for (std::size_t b = 0; b < counts_.size(); ++b) {
    if (rank < before + counts_[b]) {
      const double within = (static_cast<double>(rank - before) + 0.5) / counts_[b];
      return std::clamp(origin_ + (static_cast<double>(b) + within) * width_, min_, max_);
    }
    before += counts_[b];
  }
  return max_;
}

Summary StreamingSummary::summary() const {
  if (exact()) {
    std::vector<double> sorted = values_;
    Summary s = summarise(values_, sorted);
    s.missing = missing_;
    return s;
  }
  Summary s;
  s.count = finite_;
  s.missing = missing_;
  s.mean = sum_ / static_cast<double>(finite_);
  s.min = min_;
  s.max = max_;
  s.resolution = width_;
  auto percentile = [&](double q) {
    const double h = static_cast<double>(finite_ - 1) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const double a = value_at_rank(lo);
    if (lo + 1 >= finite_) return a;
    return a + (h - static_cast<double>(lo)) * (value_at_rank(lo + 1) - a);
  };
  s.p5 = percentile(0.05);
  s.p50 = percentile(0.50);
  s.p95 = percentile(0.95);
  if (finite_ == 0) s.mean = s.min = s.p5 = s.p50 = s.p95 = s.max = kNoDraws;
  return s;
}

}  // namespace covsim::sim
