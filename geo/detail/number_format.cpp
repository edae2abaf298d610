#include "geo/detail/number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace covsim::geo::detail {

std::string grouped(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  decimals = std::clamp(decimals, 0, 6);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string digits = buffer;
  if (digits.starts_with('-') && digits.find_first_not_of("-0.") == std::string::npos)
    digits.erase(0, 1);  // "-0.0" reads as a sign error
  const std::size_t sign = digits.starts_with('-') ? 1 : 0;
  const std::size_t point = std::min(digits.find('.'), digits.size());
  std::string out = digits.substr(0, sign);
  for (std::size_t i = sign; i < point; ++i) {
    if (i > sign && (point - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  out += digits.substr(point);
  return out;
}

}  // namespace covsim::geo::detail
