#include "geo/map_render.hpp"

#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "geo/detail/map_draw.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

namespace fs = std::filesystem;

// A decoded PNG: size and the colour of any pixel.
class Png {
 public:
  explicit Png(const fs::path& path)
      : surface_(cairo_image_surface_create_from_png(path.c_str())) {}
  bool ok() const { return cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface_.get()); }
  int height() const { return cairo_image_surface_get_height(surface_.get()); }
  std::uint32_t argb(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface_.get()) +
        static_cast<std::ptrdiff_t>(y) * cairo_image_surface_get_stride(surface_.get());
    return reinterpret_cast<const std::uint32_t*>(row)[x];
  }
  std::size_t distinct_colours() const {
    std::set<std::uint32_t> seen;
    for (int y = 0; y < height(); ++y)
      for (int x = 0; x < width(); ++x) seen.insert(argb(x, y));
    return seen.size();
  }

 private:
  detail::SurfacePtr surface_;
};

// Cairo stores 8 bits per channel: allow one step of rounding.
::testing::AssertionResult same_colour(std::uint32_t argb, Rgb expected) {
  const int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
  const int er = static_cast<int>(std::lround(expected.r * 255));
  const int eg = static_cast<int>(std::lround(expected.g * 255));
  const int eb = static_cast<int>(std::lround(expected.b * 255));
  if (std::abs(r - er) <= 1 && std::abs(g - eg) <= 1 && std::abs(b - eb) <= 1)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "pixel (" << r << "," << g << "," << b << ") expected ("
                                       << er << "," << eg << "," << eb << ")";
}

// Metres from `p` to the nearest edge of any ring of `m`.
double distance_to_border(const MultiPolygon& m, Point p) {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < m.ring_count(); ++r) {
    const auto ring = m.ring(r);
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      const Point a = ring[i], b = ring[i + 1];
      const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
      const double t =
          len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
      best = std::min(best, std::hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
    }
  }
  return best;
}

class MapRender : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { territory_ = new Territory(generate_territory({.seed = 11})); }
  static void TearDownTestSuite() {
    delete territory_;
    territory_ = nullptr;
  }
  static const Territory& t() { return *territory_; }
  static MapSpec population_spec() {
    MapSpec spec;
    spec.polygons = t().shape;
    spec.title = "Population by commune";
    spec.subtitle = t().source;
    spec.credits = "Source: covsim synthetic territory";
    spec.legend_title = "Inhabitants";
    spec.units = "inh.";
    spec.classes.method = Classification::natural_breaks;
    spec.map.values = t().population;
    return spec;
  }
  // Communes whose demand point sits well inside their polygon and in the middle of the frame
  // (clear of borders, scale bar and north arrow), as page pixels.
  static std::vector<std::pair<CommuneId, Point>> clear_points(const MapTransform& tr) {
    std::vector<std::pair<CommuneId, Point>> out;
    for (CommuneId c = 0; c < t().size(); ++c) {
      const Point p = tr.to_page(t().demand[c]);
      const double fx = (p.x - tr.frame.min_x) / tr.frame.width();
      const double fy = (p.y - tr.frame.min_y) / tr.frame.height();
      if (fx < 0.15 || fx > 0.85 || fy < 0.15 || fy > 0.85) continue;
      if (distance_to_border(t().shape[c], t().demand[c]) * tr.scale < 6) continue;
      out.emplace_back(c, p);
    }
    return out;
  }
  std::size_t entries() const { return dir_.entries(); }

  test::TempDir dir_;
  static inline Territory* territory_ = nullptr;
};

TEST_F(MapRender, PngShowsEachCommuneInItsClassColour) {
  const MapSpec spec = population_spec();
  const fs::path path = dir_ / "population.png";
  render_map(spec, path.string());
  EXPECT_EQ(entries(), 1u) << "no temporary file left behind";
  const Png png(path);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png.width(), 1600);
  EXPECT_EQ(png.height(), 1200);
  EXPECT_GT(png.distinct_colours(), 50u) << "a real map, not a blank page";

  const Classes classes = map_classes(spec);
  ASSERT_EQ(classes.size(), 5u);
  const auto layout = page_layout(spec);
  ASSERT_EQ(layout.size(), 1u);
  const auto points = clear_points(layout[0]);
  ASSERT_GT(points.size(), t().size() / 3);
  std::set<std::size_t> classes_seen;
  for (const auto& [c, p] : points) {
    const std::size_t k = *classes.class_of(t().population[c]);
    classes_seen.insert(k);
    EXPECT_TRUE(
        same_colour(png.argb(static_cast<int>(p.x), static_cast<int>(p.y)), classes.colors[k]))
        << t().name[c] << " (" << t().population[c] << " inh., class " << k << ")";
  }
  EXPECT_GE(classes_seen.size(), 3u) << "the check covered several classes";
}

TEST_F(MapRender, PairSharesOneClassificationAcrossBothPanels) {
  MapSpec spec = population_spec();
  spec.map.caption = "Before";
  MapPanel after;
  after.caption = "After";
  for (double p : t().population) after.values.push_back(p * 2);
  after.highlighted = {0, 1, 2};
  const fs::path path = dir_ / "pair.png";
  render_map_pair(spec, after, path.string());
  const Png png(path);
  ASSERT_TRUE(png.ok());
  const auto layout = page_layout(spec, &after);
  ASSERT_EQ(layout.size(), 2u);
  EXPECT_DOUBLE_EQ(layout[0].scale, layout[1].scale) << "same scale on both sides";
  EXPECT_LT(layout[0].frame.max_x, layout[1].frame.min_x) << "side by side";
  const Classes classes = map_classes(spec, &after);
  std::size_t checked = 0;
  for (std::size_t side = 0; side < 2; ++side) {
    for (const auto& [c, p] : clear_points(layout[side])) {
      if (side == 1 && c <= 2) continue;  // highlighted outlines may cross small communes
      const double v = side == 0 ? spec.map.values[c] : after.values[c];
      EXPECT_TRUE(same_colour(png.argb(static_cast<int>(p.x), static_cast<int>(p.y)),
                              classes.colors[*classes.class_of(v)]))
          << "panel " << side << ": " << t().name[c];
      ++checked;
    }
  }
  EXPECT_GT(checked, t().size() / 2);
}

TEST_F(MapRender, NoDataIsDrawnGreyAndListedInTheLegend) {
  MapSpec spec = population_spec();
  spec.width_px = 800;
  spec.height_px = 600;
  spec.map.values.assign(t().size(), std::numeric_limits<double>::quiet_NaN());
  const fs::path path = dir_ / "empty.png";
  render_map(spec, path.string());
  const Png png(path);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png.width(), 800);
  for (const auto& [c, p] : clear_points(page_layout(spec)[0])) {
    const std::uint32_t px = png.argb(static_cast<int>(p.x), static_cast<int>(p.y));
    const int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
    EXPECT_TRUE(r == g && g == b && r < 250) << t().name[c] << ": grey hatching expected";
  }
}

TEST_F(MapRender, SvgAndPdfFollowTheExtension) {
  MapSpec spec = population_spec();
  spec.map.points.push_back(
      {t().demand[0], t().name[0], Symbol::star, 14, {0.1, 0.1, 0.5}, "Site"});
  spec.map.lines.push_back(
      {{t().demand[0], t().demand[1], t().demand[2]}, {0, 0, 1}, 2, true, "Circuit"});
  for (const char* name : {"map.svg", "map.PDF"}) {
    const fs::path path = dir_ / name;
    render_map(spec, path.string());
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_GT(bytes.size(), 10000u) << name;
    if (path.extension() == ".svg") {
      EXPECT_TRUE(bytes.starts_with("<?xml")) << bytes.substr(0, 40);
      EXPECT_NE(bytes.find("<svg"), std::string::npos);
    } else {
      EXPECT_TRUE(bytes.starts_with("%PDF-")) << bytes.substr(0, 8);
    }
  }
  EXPECT_EQ(entries(), 2u);
  EXPECT_THROW(render_map(spec, (dir_ / "map.jpg").string()), OutputError);
  EXPECT_EQ(entries(), 2u);
}

TEST_F(MapRender, RefusesToOverwriteUnlessAsked) {
  MapSpec spec = population_spec();
  spec.width_px = 400;
  spec.height_px = 300;
  const fs::path path = dir_ / "map.png";
  render_map(spec, path.string());
  const auto size = fs::file_size(path);
  spec.width_px = 500;
  EXPECT_THROW(render_map(spec, path.string()), OutputError);
  EXPECT_EQ(fs::file_size(path), size) << "the existing map is untouched";
  spec.overwrite = true;
  render_map(spec, path.string());
  EXPECT_EQ(Png(path).width(), 500);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(MapRender, UnwritableDestinationsAreOutputErrors) {
  const MapSpec spec = population_spec();
  EXPECT_THROW(render_map(spec, (dir_ / "no" / "such" / "dir.png").string()), OutputError);
  EXPECT_THROW(render_map(spec, "/proc/covsim-map.png"), OutputError);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(MapRender, InconsistentSpecsAreInputErrors) {
  MapSpec spec = population_spec();
  spec.map.values.pop_back();
  EXPECT_THROW(render_map(spec, (dir_ / "a.png").string()), InputError);
  spec = population_spec();
  spec.map.highlighted = {static_cast<std::uint32_t>(t().size())};
  EXPECT_THROW(render_map(spec, (dir_ / "b.png").string()), InputError);
  MapSpec nothing;
  EXPECT_THROW(render_map(nothing, (dir_ / "c.png").string()), InputError);
  EXPECT_EQ(entries(), 0u) << "nothing written for a rejected spec";
}

TEST(MapDraw, ScaleBarLengthsAreRoundNumbers) {
  EXPECT_DOUBLE_EQ(detail::nice_length(0.9), 0.5);
  EXPECT_DOUBLE_EQ(detail::nice_length(7), 5);
  EXPECT_DOUBLE_EQ(detail::nice_length(19.9), 10);
  EXPECT_DOUBLE_EQ(detail::nice_length(2500), 2000);
  EXPECT_DOUBLE_EQ(detail::nice_length(10000), 10000);
}

}  // namespace
}  // namespace covsim::geo
