// Portable seeded random numbers: std::mt19937_64 bits turned into floats and the few
// distributions covsim needs by explicit formulas, because std::*_distribution output is
// implementation-defined and a seed must give the same territory on every platform.
//
//   Rng rng(stream_seed(seed, "outline"));
//   double r = rng.lognormal(std::log(400.0), 0.6);
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string_view>

namespace covsim::geo::detail {

// SplitMix64 finaliser: decorrelates nearby seeds before they reach the Mersenne Twister.
inline std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// One independent stream per named stage, so that changing how many numbers one stage draws
// (more communes, say) leaves the other stages (the outline) unchanged.
inline std::uint64_t stream_seed(std::uint64_t seed, std::string_view stage) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the stage name
  for (char c : stage) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return mix64(seed ^ mix64(h));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : bits_(seed) {}

  // Uniform in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(bits_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n); n > 0. The bias of the multiply is below 2^-53 * n.
  std::uint64_t index(std::uint64_t n) {
    return static_cast<std::uint64_t>(uniform() * static_cast<double>(n));
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal by Box-Muller (one value per call: simpler to keep streams in step).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  // Pareto with scale x_min and shape alpha, by inverse CDF.
  double pareto(double x_min, double alpha) {
    return x_min / std::pow(1.0 - uniform(), 1.0 / alpha);
  }

 private:
  std::mt19937_64 bits_;
};

}  // namespace covsim::geo::detail
