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

}  // namespace covsim::sim::detail
