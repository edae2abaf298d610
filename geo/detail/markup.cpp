#include "geo/detail/markup.hpp"

namespace covsim::geo::detail {

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;  // &apos; is not HTML 4; this one is read by both
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace covsim::geo::detail
