// Numbers for people to read in summaries and map legends: French-style digit groups
// ("61 203", "2 143.5") and a fixed number of decimals.
//
//   grouped(61203.4, 0) == "61 203";  grouped(-1234.56, 1) == "-1 234.6"
#pragma once

#include <string>

namespace covsim::geo::detail {

// `value` rounded to `decimals` (0..6) with a space every three digits of the integer part.
// NaN gives "n/a", infinities "inf" / "-inf".
std::string grouped(double value, int decimals);

}  // namespace covsim::geo::detail
