// Text for XML and HTML (QGIS styles, report pages): &, <, >, " and ' as character references,
// so a commune or host name can never open a tag or close an attribute. Internal to geo/.
//
//   escape_markup("Bourg & <Co>") == "Bourg &amp; &lt;Co&gt;"
#pragma once

#include <string>
#include <string_view>

namespace covsim::geo::detail {

std::string escape_markup(std::string_view text);

}  // namespace covsim::geo::detail
