// LSD radix sort of (key, commune) pairs on 11-bit digits, skipping digits all keys share (the
// sign and most exponent bits of access figures): a few linear passes instead of the n log n
// comparisons of std::sort, which dominated coverage summaries on 35,000 communes. Stable: pairs
// with equal keys keep their order, so a list built in commune order sorts by (key, commune).
// Internal to sim/ (coverage summaries and sweep draws share it so both walk one order).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "geo/territory.hpp"

namespace covsim::sim::detail {

using KeyedCommune = std::pair<std::uint64_t, geo::CommuneId>;

inline void radix_sort(std::vector<KeyedCommune>& items, std::vector<KeyedCommune>& buffer) {
  constexpr int kBits = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  buffer.resize(items.size());
  std::array<std::size_t, kBuckets> count;
  for (int shift = 0; shift < 64; shift += kBits) {
    std::fill(count.begin(), count.end(), 0);
    for (const auto& item : items) ++count[(item.first >> shift) & (kBuckets - 1)];
    if (std::find(count.begin(), count.end(), items.size()) != count.end()) continue;
    std::size_t sum = 0;
    for (std::size_t& c : count) sum += std::exchange(c, sum);
    for (const auto& item : items) buffer[count[(item.first >> shift) & (kBuckets - 1)]++] = item;
    items.swap(buffer);
  }
}

// LSD radix sort of 64-bit keys on their bits [low, high) only, in as few passes of at most 12
// bits as cover them, with one counting pass for all. Stable: keys equal on those bits keep
// their order. A sweep draw packs (access units << low) | commune into one key, listed in
// commune order, and sorts on the access bits alone: the order is (access, commune), with
// half the bytes moved of a (key, commune) pair and a pass fewer. `count` is scratch.
inline void radix_sort_bits(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& buffer,
                            std::vector<std::uint32_t>& count, int low, int high) {
  if (high <= low) return;
  constexpr int kMaxBits = 12;
  const int passes = (high - low + kMaxBits - 1) / kMaxBits;
  const int bits = (high - low + passes - 1) / passes;
  const std::size_t buckets = std::size_t{1} << bits;
  const std::uint64_t mask = buckets - 1;
  count.assign(static_cast<std::size_t>(passes) * buckets, 0);
  for (const std::uint64_t key : keys)
    for (int p = 0; p < passes; ++p) ++count[p * buckets + ((key >> (low + p * bits)) & mask)];
  buffer.resize(keys.size());
  for (int p = 0; p < passes; ++p) {
    std::uint32_t* c = count.data() + p * buckets;
    if (std::find(c, c + buckets, keys.size()) != c + buckets) continue;  // one bucket: in order
    std::uint32_t sum = 0;
    for (std::size_t b = 0; b < buckets; ++b) sum += std::exchange(c[b], sum);
    const int shift = low + p * bits;
    for (const std::uint64_t key : keys) buffer[c[(key >> shift) & mask]++] = key;
    keys.swap(buffer);
  }
}

}  // namespace covsim::sim::detail
