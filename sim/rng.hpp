// Counter-based randomness for reproducible parallel draws. A random number is a pure function
// of (seed, draw index, key): there is no engine to share, lock or advance, so a draw gives the
// same numbers whichever thread runs it and in whatever order, and draw 17 can be replayed alone.
//
//   const double u = uniform(seed, draw, fnv1a("post:P12"));  // in [0, 1)
//   const bool renewed = u < p;
//
// Mixing: SplitMix64's finaliser (Steele, Lea & Flood 2014; the avalanche constants of Stafford's
// "Mix13"), chained over the three inputs, each offset by a distinct odd constant before mixing
// so that (seed, draw, key) = (a, b, c) and (b, a, c) give unrelated streams:
//   h = mix(mix(mix(seed + K1) ^ (draw + K2)) ^ (key + K3))
// The top 53 bits of h give a double in [0, 1) with every value a multiple of 2^-53.
#pragma once

#include <cstdint>
#include <string_view>

namespace covsim::sim {

// SplitMix64's output function: a bijection of 64-bit words with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The 64 random bits of (seed, draw, key).
constexpr std::uint64_t random_bits(std::uint64_t seed, std::uint64_t draw, std::uint64_t key) {
  std::uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ (draw + 0xd1b54a32d192ed03ULL));
  return mix64(h ^ (key + 0x8cb92ba72f3d8dd7ULL));
}

// Top 53 bits as a double in [0, 1).
constexpr double unit_interval(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

constexpr double uniform(std::uint64_t seed, std::uint64_t draw, std::uint64_t key) {
  return unit_interval(random_bits(seed, draw, key));
}

// FNV-1a of a text: a stable key for a named thing (a post id, a group code), so that a post
// keeps its random numbers when the post table is reordered or other posts are added.
constexpr std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace covsim::sim
