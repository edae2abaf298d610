// report.html and report.pdf of the embedded default, as a reader gets them: the page opens in
// headless Chromium with no console error and nothing fetched, its screenshot is a picture (not
// a blank page), its text and the PDF's hold the run's headline figures, and the PDF opens with
// pdfinfo. Chromium and poppler-utils come with .ci/deps; without them those checks skip and
// say so.
#include <cairo.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/run_output.hpp"
#include "app/scenario_check.hpp"
#include "app/scenario_posts.hpp"
#include "app/wording.hpp"
#include "geo/error.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

namespace fs = std::filesystem;

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command; its exit code, -1 when it did not exit.
int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The figures the run printed (commands.cpp), computed apart from the report.
struct Headline {
  std::string people_losing, communes_losing_permanence;
};

class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir("-report");
    CommonOptions o;
    o.out_dir = dir_->path();
    std::ostringstream log;
    ASSERT_EQ(command_run(o, log, null_progress()), kOk) << log.str();
    log_ = new std::string(log.str());
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete log_;
  }

  static fs::path file(const std::string& name) { return dir_->path() / name; }

  static Headline headline() {
    std::smatch m;
    const std::regex line(
        R"(renewal: population losing reach within [0-9.]+ min: ([0-9]+) \([0-9]+ communes?\); )"
        R"(communes losing their permanence: ([0-9]+))");
    EXPECT_TRUE(std::regex_search(*log_, m, line)) << *log_;
    if (m.empty()) return {};
    return {number(std::stod(m[1])), m[2]};
  }

  static test::TempDir* dir_;
  static std::string* log_;
};

test::TempDir* Report::dir_ = nullptr;
std::string* Report::log_ = nullptr;

TEST_F(Report, HtmlIsSelfContainedAndHoldsTheHeadline) {
  const std::string html = test::read_file(file("report.html"));
  ASSERT_FALSE(html.empty());
  // Nothing to fetch: no script, no http(s) source or link, no remote CSS.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  const std::regex remote(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, remote));
  EXPECT_EQ(html.find("url(http"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos) << "the maps are inline SVG";
  const Headline h = headline();
  EXPECT_NE(html.find(h.people_losing + " people lose access"), std::string::npos)
      << h.people_losing;
  EXPECT_NE(html.find(h.communes_losing_permanence + " communes lose their permanence"),
            std::string::npos);
  // Named by its departments, never by the generator's or a file's name.
  EXPECT_EQ(html.find("synthetic(seed"), std::string::npos);
}

TEST_F(Report, OpensInHeadlessChromiumWithoutErrorsAndIsNotBlank) {
  if (!on_path("chromium"))
    GTEST_SKIP() << "chromium is not installed (Debian package chromium, installed by .ci/deps)";
  const fs::path shot = file("report-screenshot.png"), log = file("chromium.log");
  const fs::path dom = file("report-dom.html");
  // Every host resolves to nothing, so any request the page tried would fail and be logged.
  const std::string chromium =
      "chromium --headless --disable-gpu --no-sandbox --no-first-run --disable-extensions "
      "--host-resolver-rules='MAP * ~NOTFOUND' --enable-logging=stderr --v=0 ";
  ASSERT_EQ(
      shell(chromium + "--window-size=1200,2000 --screenshot='" + shot.string() + "' 'file://" +
            file("report.html").string() + "' 2>'" + log.string() + "' >/dev/null"),
      0)
      << test::read_file(log);
  ASSERT_EQ(shell(chromium + "--dump-dom 'file://" + file("report.html").string() + "' >'" +
                  dom.string() + "' 2>>'" + log.string() + "'"),
            0)
      << test::read_file(log);
  const std::string messages = test::read_file(log);
  for (const char* bad :
       {"CONSOLE", "Uncaught", "Refused to", "ERR_NAME_NOT_RESOLVED", "Content Security Policy"})
    EXPECT_EQ(messages.find(bad), std::string::npos) << bad << " in:\n" << messages;
  const Headline h = headline();
  EXPECT_NE(test::read_file(dom).find(h.people_losing + " people lose access"), std::string::npos);

  cairo_surface_t* png = cairo_image_surface_create_from_png(shot.c_str());
  ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS) << shot;
  const int w = cairo_image_surface_get_width(png), hgt = cairo_image_surface_get_height(png);
  const int stride = cairo_image_surface_get_stride(png);
  const unsigned char* data = cairo_image_surface_get_data(png);
  std::set<std::uint32_t> colours;
  for (int y = 0; y < hgt; y += 2)
    for (int x = 0; x < w; x += 2)
      colours.insert(*reinterpret_cast<const std::uint32_t*>(data + y * stride + x * 4));
  cairo_surface_destroy(png);
  EXPECT_GT(w, 1000);
  // Text, a headline box and a coloured map: a blank or error page has a handful of colours.
  EXPECT_GT(colours.size(), 200u);
}

TEST_F(Report, PdfOpensAndHoldsTheHeadline) {
  if (!on_path("pdfinfo") || !on_path("pdftotext"))
    GTEST_SKIP() << "pdfinfo/pdftotext are not installed (Debian package poppler-utils, "
                    "installed by .ci/deps)";
  const fs::path info = file("pdfinfo.txt"), text = file("report.txt");
  ASSERT_EQ(shell("pdfinfo '" + file("report.pdf").string() + "' >'" + info.string() + "' 2>&1"), 0)
      << test::read_file(info);
  std::smatch m;
  const std::string out = test::read_file(info);
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Pages:\s+([0-9]+))"))) << out;
  EXPECT_GE(std::stoi(m[1]), 1);
  EXPECT_NE(out.find("A4"), std::string::npos) << out;
  ASSERT_EQ(
      shell("pdftotext -layout '" + file("report.pdf").string() + "' '" + text.string() + "'"), 0);
  const std::string words = test::read_file(text);
  const Headline h = headline();
  EXPECT_NE(words.find(h.people_losing + " people lose access"), std::string::npos) << words;
}

TEST(Wording, CountsSayOneAndMany) {
  EXPECT_EQ(counted(1, "post"), "1 post");
  EXPECT_EQ(counted(0, "post"), "0 posts");
  EXPECT_EQ(counted(61203, "commune"), "61 203 communes");
  EXPECT_EQ(counted(1, "roaming round"), "1 roaming round");
  EXPECT_EQ(counted(2, "person", "people"), "2 people");
  EXPECT_EQ(noun(1, "commune"), "commune");
  EXPECT_EQ(noun(3, "commune"), "communes");
}

TEST(ReportOutputs, PlannedWithTheRunUnlessTurnedOff) {
  Scenario s = default_scenario();
  auto names = [&] {
    std::set<std::string> out;
    for (const PlannedOutput& p : planned_outputs(s, true, false)) out.insert(p.name);
    return out;
  };
  EXPECT_TRUE(names().count("report.html"));
  EXPECT_TRUE(names().count("report.pdf"));
  s.output.report = false;
  EXPECT_FALSE(names().count("report.html"));
  EXPECT_FALSE(names().count("report.pdf"));
}

TEST(ReportOutputs, AnExtentNamingNoGroupIsRefusedBeforeComputing) {
  Scenario s = default_scenario();
  s.output.extent = {"99", "nowhere"};
  std::ostringstream log;
  const Prepared p = prepare_territory(s, null_progress(), log);
  try {
    check_scenario(s, p.territory, scenario_posts(s, p.territory));
    FAIL() << "an unknown group code was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("output.extent[1]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
  s.output.extent = {"99"};  // a department of the synthetic territory
  EXPECT_NO_THROW(check_scenario(s, p.territory, scenario_posts(s, p.territory)));
}

TEST(ReportOutputs, SweepReportChartsEveryCell) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir.path();
  SweepCommandOptions sweep;
  sweep.draws = 40;
  std::ostringstream log;
  ASSERT_EQ(command_sweep(o, sweep, log, null_progress()), kOk) << log.str();
  const std::string html = test::read_file(dir / "report.html");
  const std::size_t chart = html.find("People losing reach, per setting");
  ASSERT_NE(chart, std::string::npos);
  const std::regex cells(R"(sweep: ([0-9]+) cell\(s\) x 40 draws)");
  std::smatch m;
  const std::string printed = log.str();
  ASSERT_TRUE(std::regex_search(printed, m, cells)) << printed;
  // One bar (a rect) per cell of the grid, in the chart's own SVG.
  const std::string svg = html.substr(chart, html.find("</svg>", chart) - chart);
  std::size_t bars = 0;
  for (std::size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1))
    ++bars;
  EXPECT_EQ(bars, std::stoul(m[1]));
  EXPECT_NE(html.find("40 draws per setting, seed"), std::string::npos);
}

}  // namespace
}  // namespace covsim::app
