#include "app/key_locations.hpp"

namespace covsim::app {

std::string KeyLocations::operator()(std::string_view path) const {
  std::string p(path);
  while (!p.empty()) {
    if (auto it = at_.find(p); it != at_.end()) return it->second;
    const auto cut = p.find_last_of(".[");
    p.resize(cut == std::string::npos ? 0 : cut);
  }
  return file_;
}

}  // namespace covsim::app
