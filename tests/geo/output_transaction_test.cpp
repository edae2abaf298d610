// Output sets as transactions: checked before any work, moved in whole, nothing of a failed or
// aborted set left, old sets intact, and what a killed process left behind cleaned (and its
// half-done commit undone) by the next transaction.
#include "geo/output_transaction.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "geo/error.hpp"
#include "tests/error_message.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

namespace fs = std::filesystem;

using test::files_in;

void put(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::vector<PlannedFile> plan(std::initializer_list<const char*> always,
                              std::initializer_list<const char*> sometimes = {}) {
  std::vector<PlannedFile> out;
  for (const char* n : always) out.push_back({n, true});
  for (const char* n : sometimes) out.push_back({n, false});
  return out;
}

TEST(OutputTransaction, ANewDirectoryAppearsWholeOnCommit) {
  test::TempDir dir;
  const fs::path out = dir / "a" / "b" / "out";
  OutputTransaction t(out, plan({"x.csv", "y.md"}), {});
  EXPECT_FALSE(fs::exists(dir / "a")) << "nothing appears before the commit";
  put(t.staged("x.csv"), "x");
  put(t.staged("y.md"), "y");
  EXPECT_EQ(t.commit(), (std::vector<fs::path>{out / "x.csv", out / "y.md"}));
  EXPECT_EQ(files_in(out), (std::map<std::string, std::string>{{"x.csv", "x"}, {"y.md", "y"}}));
  EXPECT_EQ(files_in(dir.path()).size(), 1u) << "no staging directory left";
}

TEST(OutputTransaction, AnExistingSetIsReplacedAndOtherFilesAreLeftAlone) {
  test::TempDir dir;
  put(dir / "x.csv", "old x");
  put(dir / "x.qml", "old style");
  put(dir / "notes.txt", "a planner's notes");
  OutputTransaction t(dir.path(), plan({"x.csv"}, {"x.qml"}), {.overwrite = true});
  put(t.staged("x.csv"), "new x");
  EXPECT_EQ(files_in(dir.path()).at("x.csv"), "old x") << "untouched until the commit";
  t.commit();
  // The old style described the old data: a planned sidecar not written again goes.
  EXPECT_EQ(files_in(dir.path()), (std::map<std::string, std::string>{
                                      {"x.csv", "new x"}, {"notes.txt", "a planner's notes"}}));
}

TEST(OutputTransaction, ExistingOutputsAreRefusedBeforeAnyWork) {
  test::TempDir dir;
  put(dir / "x.csv", "mine");
  const std::string m = test::error_message<OutputError>([&] {
    OutputTransaction t(dir.path(), plan({"y.csv"}, {"x.csv"}), {.overwrite_hint = "say so"});
  });
  EXPECT_EQ(m, (dir / "x.csv").string() + ": already exists; say so to replace it");
  fs::create_directory(dir / "y.csv");
  EXPECT_NE(test::error_message<OutputError>([&] {
              OutputTransaction t(dir.path(), plan({"y.csv"}), {.overwrite = true});
            }).find("y.csv: is a directory"),
            std::string::npos);
  EXPECT_EQ(files_in(dir.path()).size(), 2u) << "no staging directory left";
}

TEST(OutputTransaction, ATargetThatIsAFileOrCannotBeCreatedIsRefusedAtOnce) {
  test::TempDir dir;
  put(dir / "file", "");
  EXPECT_EQ(
      test::error_message<OutputError>([&] { OutputTransaction t(dir / "file", plan({"x"}), {}); }),
      (dir / "file").string() + ": is not a directory, so the outputs cannot go there");
  EXPECT_EQ(test::error_message<OutputError>(
                [&] { OutputTransaction t(dir / "file" / "out", plan({"x"}), {}); }),
            (dir / "file" / "out").string() + ": " + (dir / "file").string() +
                " is a file, so the outputs cannot go there");
  // sysfs refuses new directories even to root.
  EXPECT_NE(test::error_message<OutputError>([&] {
              OutputTransaction t("/sys/covsim-test", plan({"x"}), {});
            }).find("/sys/covsim-test: cannot be created in /sys"),
            std::string::npos);
}

TEST(OutputTransaction, AFailureBeforeTheCommitLeavesTheOldSetIntact) {
  test::TempDir dir;
  put(dir / "x.csv", "old x");
  try {
    OutputTransaction t(dir.path(), plan({"x.csv", "y.csv"}), {.overwrite = true});
    put(t.staged("x.csv"), "new x");
    throw OutputError("disk full");
  } catch (const OutputError&) {
  }
  EXPECT_EQ(files_in(dir.path()), (std::map<std::string, std::string>{{"x.csv", "old x"}}));
}

TEST(OutputTransaction, AWriterThatDisagreesWithThePlanIsABugAndMovesNothing) {
  test::TempDir dir;
  {
    OutputTransaction t(dir / "out", plan({"x.csv"}), {});
    put(t.staging() / "surprise.csv", "?");
    put(t.staged("x.csv"), "x");
    EXPECT_THROW(t.commit(), Error);
    EXPECT_THROW(t.staged("surprise.csv"), Error);
  }
  {
    OutputTransaction t(dir / "out", plan({"x.csv", "y.csv"}), {});
    put(t.staged("x.csv"), "x");
    EXPECT_NE(test::error_message<Error>([&] { t.commit(); }).find("'y.csv' was planned but not"),
              std::string::npos);
  }
  EXPECT_THROW(OutputTransaction(dir.path(), plan({"x", "x"}), {}), Error);
  EXPECT_THROW(OutputTransaction(dir.path(), plan({"sub/x"}), {}), Error);
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(OutputTransaction, AnOutputAppearingDuringTheRunIsNotReplaced) {
  test::TempDir dir;
  {
    OutputTransaction t(dir.path(), plan({"x.csv", "y.csv"}), {});
    put(t.staged("x.csv"), "new x");
    put(t.staged("y.csv"), "new y");
    put(dir / "y.csv", "written meanwhile");
    EXPECT_THROW(t.commit(), OutputError);
  }
  EXPECT_EQ(files_in(dir.path()),
            (std::map<std::string, std::string>{{"y.csv", "written meanwhile"}}))
      << "neither half of the new set";
}

// Two processes committing into one directory at once (with overwrite): whichever commits
// last, the set is all of one, never a mix.
TEST(OutputTransaction, ConcurrentCommitsIntoOneDirectoryNeverMix) {
  test::TempDir dir;
  std::vector<PlannedFile> files;
  for (int i = 0; i < 300; ++i) files.push_back({"f" + std::to_string(i), true});
  for (int round = 0; round < 8; ++round) {
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    std::vector<pid_t> children;
    for (const char* who : {"A", "B"}) {
      const pid_t child = ::fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        ::close(go[1]);
        OutputTransaction t(dir.path(), files, {.overwrite = true});
        for (const PlannedFile& f : files) put(t.staged(f.name), who);
        char start = 0;
        if (::read(go[0], &start, 1) != 1) ::_exit(2);  // both start committing together
        t.commit();
        ::_exit(0);
      }
      children.push_back(child);
    }
    ::close(go[0]);
    // Closing the pipe would wake them at once too; two bytes say "go" explicitly.
    ASSERT_EQ(::write(go[1], "gg", 2), 2);
    ::close(go[1]);
    for (pid_t c : children) {
      int status = 0;
      ::waitpid(c, &status, 0);
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    const auto after = files_in(dir.path());
    ASSERT_EQ(after.size(), files.size());
    std::size_t from_a = 0;
    for (const auto& [name, who] : after) from_a += who == "A";
    EXPECT_TRUE(from_a == 0 || from_a == files.size()) << from_a << " files of A, the rest of B";
  }
}

TEST(OutputTransaction, AbortRemovesTheStagingAndForbidsTheCommit) {
  test::TempDir dir;
  put(dir / "x.csv", "old x");
  OutputTransaction t(dir.path(), plan({"x.csv"}), {.overwrite = true});
  put(t.staged("x.csv"), "new x");
  EXPECT_EQ(abort_output_transactions(), 1u);
  EXPECT_EQ(files_in(dir.path()), (std::map<std::string, std::string>{{"x.csv", "old x"}}));
  EXPECT_THROW(t.commit(), OutputError);
  EXPECT_EQ(abort_output_transactions(), 0u) << "aborted once";
}

// A process killed (SIGKILL cannot be handled) after staging leaves its directory; its lock
// dies with it, so the next transaction there knows it is stale and removes it.
TEST(OutputTransaction, StagingOfAKilledProcessIsRemovedByTheNextTransaction) {
  test::TempDir dir;
  put(dir / "x.csv", "old x");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    OutputTransaction t(dir.path(), plan({"x.csv"}), {.overwrite = true});
    put(t.staged("x.csv"), "new x");
    ::_exit(0);  // no destructor runs: as if killed
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(files_in(dir.path()).size(), 2u) << "the child's staging directory is left";
  {
    // A live transaction's staging is not touched by another one.
    OutputTransaction live(dir.path(), plan({"y.csv"}), {});
    OutputTransaction other(dir.path(), plan({"z.csv"}), {});
    EXPECT_TRUE(fs::exists(live.staging()));
  }
  EXPECT_EQ(files_in(dir.path()), (std::map<std::string, std::string>{{"x.csv", "old x"}}));
}

// A commit cut short by SIGKILL: its journal says what moved, and the next transaction puts
// the old versions back and takes the new files without one away.
TEST(OutputTransaction, ACommitCutShortIsRolledBackByTheNextTransaction) {
  test::TempDir dir;
  const fs::path stale = dir / (std::string(kStagingPrefix) + "killed");
  fs::create_directories(stale / "files");
  fs::create_directories(stale / "previous");
  put(stale / "lock", "");
  put(stale / "journal", "1 a.csv\n0 b.csv\n0 c.csv\n");
  put(dir / "a.csv", "new a");  // moved in; its old version is aside
  put(stale / "previous" / "a.csv", "old a");
  put(dir / "b.csv", "new b");              // moved in, had no old version
  put(stale / "files" / "c.csv", "new c");  // not moved yet
  put(dir / "d.csv", "not ours");
  OutputTransaction next(dir.path(), plan({"e.csv"}), {});
  std::map<std::string, std::string> after = files_in(dir.path());
  after.erase(next.staging().parent_path().filename().string());
  EXPECT_EQ(after, (std::map<std::string, std::string>{{"a.csv", "old a"}, {"d.csv", "not ours"}}));
}

}  // namespace
}  // namespace covsim::geo
