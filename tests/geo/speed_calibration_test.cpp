// Calibration recovers the parameters a reference table was generated with, reports the
// agreement before and after, and reads reference tables with errors naming file and line.
#include "geo/speed_calibration.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/travel_table.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

struct Fixture {
  Territory territory;
  Adjacency adjacency;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.territory = generate_territory({.seed = 3, .communes = 160, .islands = 0});
    x.adjacency = build_adjacency(x.territory);
    return x;
  }();
  return f;
}

// Every pair within 45 minutes under `model`, as `covsim travel` writes them.
ReferenceTable table_of(const SpeedModel& model) {
  const Fixture& f = fixture();
  const TravelGraph g = adjacency_travel_graph(f.territory, f.adjacency, model);
  const TravelTable t = build_travel_table(g, all_communes(f.territory), 45.0f);
  ReferenceTable ref;
  ref.source = "generated";
  for (RowId r = 0; r < t.rows(); ++r)
    for (const Reach& x : t.row(r))
      if (x.commune != t.site[r]) ref.pairs.push_back({x.commune, t.site[r], x.minutes});
  return ref;
}

SpeedModel known() {
  SpeedModel m;
  m.speed_kmh = 72;
  m.density_classes = {{300, 52}, {1000, 27}};
  m.long_trip_from_minutes = 9;
  m.long_trip_speedup = 1.45;
  return m;
}

TEST(SpeedCalibration, RecoversTheParametersATableWasGeneratedWith) {
  const Fixture& f = fixture();
  const ReferenceTable ref = table_of(known());
  ASSERT_GT(ref.pairs.size(), 2000u);
  const SpeedCalibration c = calibrate_speed_model(f.territory, f.adjacency, ref, SpeedModel{}, {});
  EXPECT_NEAR(c.fitted.speed_kmh, 72, 72 * 0.01);
  ASSERT_EQ(c.fitted.density_classes.size(), 2u);
  EXPECT_NEAR(c.fitted.density_classes[0].speed_kmh, 52, 52 * 0.02);
  EXPECT_NEAR(c.fitted.density_classes[1].speed_kmh, 27, 27 * 0.02);
  EXPECT_NEAR(c.fitted.long_trip_from_minutes, 9, 0.2);
  EXPECT_NEAR(c.fitted.long_trip_speedup, 1.45, 0.01);
  EXPECT_EQ(c.fitted.detour_factor, SpeedModel{}.detour_factor);

  EXPECT_EQ(c.after.pairs, ref.pairs.size());
  EXPECT_NEAR(c.after.median_ratio, 1, 1e-3);
  EXPECT_LT(c.after.mean_abs_error, 0.05);
  EXPECT_LT(c.before.same_verdict[2], c.after.same_verdict[2]);  // 30 min: defaults differ
  for (double s : c.after.same_verdict) EXPECT_GT(s, 0.995);
  EXPECT_GT(c.before.mean_abs_error, 10 * c.after.mean_abs_error);
}

TEST(SpeedCalibration, AgreementFiguresOnAHandMadeTable) {
  const Fixture& f = fixture();
  const TravelGraph g = adjacency_travel_graph(f.territory, f.adjacency, known());
  const ReferenceTable exact = table_of(known());
  ReferenceTable doubled = exact;
  for (ReferencePair& p : doubled.pairs) p.minutes *= 2;
  const std::vector<float> th{30};
  const Agreement a = agreement(g, exact, th);
  EXPECT_NEAR(a.median_ratio, 1, 1e-6);
  EXPECT_NEAR(a.mean_abs_error, 0, 1e-4);
  EXPECT_DOUBLE_EQ(a.same_verdict[0], 1);
  const Agreement b = agreement(g, doubled, th);
  EXPECT_NEAR(b.median_ratio, 0.5, 1e-6);
  EXPECT_NEAR(b.p10_ratio, 0.5, 1e-6);
  double mean = 0;
  for (const ReferencePair& p : exact.pairs) mean += p.minutes;
  EXPECT_NEAR(b.mean_abs_error, mean / static_cast<double>(exact.pairs.size()), 1e-3);
  EXPECT_LT(b.same_verdict[0], 1);
}

TEST(SpeedCalibration, ReferenceTableErrorsNameFileAndLine) {
  test::TempDir dir;
  const Territory& t = fixture().territory;
  {
    std::ofstream(dir / "ok.csv") << "from,to,duree\n"
                                  << t.code[0] << "," << t.code[1] << ",12.5\n"
                                  << t.code[2] << "," << t.code[2] << ",0\n";
  }
  OdOptions o;
  o.file = dir / "ok.csv";
  o.origin_column = "from";
  o.destination_column = "to";
  o.minutes_column = "duree";
  const ReferenceTable ref = read_reference_table(t, o);
  ASSERT_EQ(ref.pairs.size(), 1u);
  EXPECT_EQ(ref.pairs[0].to, 1u);
  EXPECT_DOUBLE_EQ(ref.pairs[0].minutes, 12.5);
  EXPECT_EQ(ref.self_pairs, 1u);

  std::ofstream(dir / "bad.csv") << "from,to,duree\n" << t.code[0] << ",99999,3\n";
  o.file = dir / "bad.csv";
  try {
    read_reference_table(t, o);
    FAIL() << "unknown code accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "line 2");
    EXPECT_NE(e.problem().find("unknown commune code '99999'"), std::string::npos);
  }
  std::ofstream(dir / "nan.csv") << "from,to,duree\n" << t.code[0] << "," << t.code[1] << ",abc\n";
  o.file = dir / "nan.csv";
  EXPECT_THROW(read_reference_table(t, o), InputError);
}

}  // namespace
}  // namespace covsim::geo
