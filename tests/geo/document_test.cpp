// Reports as HTML and PDF: every text escaped, maps inlined with ids of their own, no script and
// nothing to fetch; the PDF paginates long tables onto A4 pages; labels on maps never overlap.
#include "geo/document.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "geo/document_html.hpp"
#include "geo/document_pdf.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<a href=\"x\">Saint-Jean & 'Co'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Saint-Jean &amp; &#39;Co&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("Châtillon-en-Bazois"), "Châtillon-en-Bazois");
}

class DocumentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { territory_ = new Territory(generate_territory({.seed = 3})); }
  static void TearDownTestSuite() { delete territory_; }

  static Figure figure() {
    Figure f;
    f.spec.polygons = territory_->shape;
    f.spec.map.values = territory_->population;
    f.spec.title = "Population";
    f.spec.width_px = 800;
    f.spec.height_px = 600;
    for (CommuneId c = 0; c < territory_->size(); ++c)
      f.spec.labels.push_back(
          {territory_->demand[c], territory_->name[c], territory_->population[c], false});
    return f;
  }
  static Territory* territory_;
};
Territory* DocumentTest::territory_ = nullptr;

TEST_F(DocumentTest, HtmlEscapesTextAndGivesEachMapItsOwnIds) {
  Document d;
  d.title = "<script>alert(1)</script>";
  d.blocks.push_back(Paragraph{"A & B", Emphasis::headline});
  d.blocks.push_back(DocTable{"", {{"Name"}, {"N", true}}, {{"<b>", "1"}}, {}, ""});
  d.blocks.push_back(figure());
  d.blocks.push_back(figure());
  d.blocks.push_back(RangeChart{"Draws", "inhabitants", {{"cell", 0, 10, 20, 30, 40, 21}}});
  const std::string html = document_html(d);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;b&gt;</td>"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  // Every id is the map's own, and every reference points at an id of the page.
  std::set<std::string> ids;
  const std::regex id(R"re( id="([^"]+)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), id), end; it != end; ++it) {
    const std::string v = (*it)[1];
    EXPECT_TRUE(v.rfind("m1-", 0) == 0 || v.rfind("m2-", 0) == 0) << v;
    EXPECT_TRUE(ids.insert(v).second) << "id " << v << " twice";
  }
  EXPECT_GT(ids.size(), 2u);
  const std::regex ref(R"re(href="#([^"]+)")re");
  std::size_t refs = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), ref), end; it != end; ++it, ++refs)
    EXPECT_TRUE(ids.count((*it)[1])) << (*it)[1];
  EXPECT_GT(refs, 0u);
}

TEST_F(DocumentTest, PdfSplitsALongTableOverA4Pages) {
  test::TempDir dir;
  Document d;
  d.title = "Communes";
  DocTable t;
  t.columns = {{"Commune"}, {"Population", true}};
  for (CommuneId c = 0; c < territory_->size(); ++c)
    t.rows.push_back({territory_->name[c], std::to_string(territory_->population[c])});
  d.blocks.push_back(t);
  d.blocks.push_back(figure());
  write_document_pdf(d, dir / "d.pdf", false);
  const std::string pdf = test::read_file(dir / "d.pdf");
  ASSERT_EQ(pdf.rfind("%PDF", 0), 0u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(pdf, m, std::regex(R"(/Type /Pages[^>]*/Count ([0-9]+))")));
  // 220 rows at about 60 a page, then the map.
  EXPECT_GE(std::stoi(m[1]), 4);
  EXPECT_NE(pdf.find("/MediaBox [ 0 0 595.2"), std::string::npos);
  EXPECT_THROW(write_document_pdf(d, dir / "d.pdf", false), OutputError);
}

}  // namespace
}  // namespace covsim::geo
