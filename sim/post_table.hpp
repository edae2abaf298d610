// The posts of a scenario, read from a CSV file a planner keeps in a spreadsheet. Commune codes
// are resolved against the Territory; every bad cell is an InputError naming file, line and
// column. Posts keep their file order: PostId = row index.
//
//   PostTable posts = read_posts_csv("posts.csv", territory);
//   for (PostId p = 0; p < posts.size(); ++p) hours += posts.posts[p].weekly_hours;
//
// Columns (header names, any order; only the first four are required; an empty cell takes the
// default):
//   id                   unique post id
//   host_type            commune | epci | department | metropole | association | social_centre |
//                        france_services | other
//   home_commune         commune code of the host (INSEE code)
//   host_name            text (default: empty)
//   weekly_hours         number > 0 (default 35)
//   strategy             centrality | multi_centre | roaming (default: the PostDefaults entry of
//                        the host type, else centrality)
//   sites                commune codes separated by ';', each optionally with its weekly hours
//                        after ':' ("58194:21;58303"; default none): the named site of a
//                        centrality post, the sites a multi-centre post must keep, the stops a
//                        roaming post must hold; given hours are kept exactly
//   group_key            grouping of the territory whose group is the post's team ("epci";
//                        default for multi-centre/roaming: PostDefaults::group_key; a
//                        centrality post joins a team only when given one)
//   group                code of the group in that grouping (default: the home commune's group)
//   communes             commune codes separated by ';': the post's basin as the planner draws
//                        it (default: the team plan draws it)
//   site_count           integer >= 0: sites of this multi-centre post (default 0: the
//                        deployment option)
//   round                roaming: weekly | fortnightly | monthly | campaigns (default: the
//                        deployment option)
//   max_stops            roaming: integer >= 0, most permanences of its round (default 0: the
//                        deployment option)
//   funding              public | private (default from host_type: communes, EPCIs, departments,
//                        metropoles public; associations, social centres private; required for
//                        france_services and other)
//   priority_bonus       true | false | yes | no | 1 | 0 (default false)
//   contract_end         YYYY-MM-DD (default none)
//   renewal              renewed | not_renewed | undecided (default undecided)
//   renewal_probability  number in [0, 1] (default none)
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/territory.hpp"
#include "sim/post.hpp"

namespace covsim::sim {

struct PostTable {
  std::vector<Post> posts;

  std::size_t size() const { return posts.size(); }
  // Linear: ids are looked up while reading a scenario, never in a draw.
  std::optional<PostId> find(std::string_view id) const;
};

// What a scenario says once for cells left empty: planners deploy by structure type (the
// department's advisors roam, the EPCI's share sites) more often than post by post.
struct PostDefaults {
  std::vector<std::pair<HostType, Strategy>> strategy_by_host_type;
  std::string group_key;  // of multi-centre and roaming posts; "" leaves the cell required
};

// `file` names the input in errors. Posts are validate()d; ids must be unique.
PostTable read_posts_csv(std::istream& in, const std::string& file, const geo::Territory& territory,
                         const PostDefaults& defaults = {});
// Throws InputError when the file cannot be opened.
PostTable read_posts_csv(const std::filesystem::path& path, const geo::Territory& territory,
                         const PostDefaults& defaults = {});

}  // namespace covsim::sim
