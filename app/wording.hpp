// Numbers and counts as a council reads them in summaries, reports and map captions: digit
// groups separated by a space ("61 203"), percentages with one decimal, and counted nouns with
// the right plural ("1 post", "3 posts", "0 posts").
//
//   counted(1, "post") == "1 post";  number(61203.4) == "61 203";  percent(1, 8) == "12.5 %"
#pragma once

#include <cstddef>
#include <string>

namespace covsim::app {

// `v` rounded to `decimals`, thousands separated by a space; "–" when not finite.
std::string number(double v, int decimals = 0);
// part / whole as a percentage with one decimal; "–" when whole is not positive.
std::string percent(double part, double whole);
// "-12.5 %" for after against before; "–" when before is 0.
std::string signed_percent(double after, double before);
// "15", "12.5": a threshold in minutes as the scenario wrote it.
std::string minutes_label(float minutes);
// "1 post", "2 posts"; `plural` empty: singular + "s".
std::string counted(double n, const std::string& singular, const std::string& plural = {});
// The noun alone, for lines that print the number themselves (log lines keep raw digits).
std::string noun(double n, const std::string& singular, const std::string& plural = {});
// A column name as a legend says it: "loss_probability" -> "Loss probability".
std::string field_label(const std::string& column);

}  // namespace covsim::app
