// Kills while writing: the covsim binary is interrupted (SIGINT, SIGTERM) or killed (SIGKILL)
// while it computes or writes over the outputs of an earlier run. Nothing of the new set may
// be left, the old set must be byte for byte as it was, and a staging directory that SIGKILL
// left behind must go with the next run. The moment is found by watching the output
// directory, not by timing, so a loaded machine only makes the test slower.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "app/scenario.hpp"
#include "geo/output_transaction.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

extern char** environ;

namespace covsim {
namespace {

namespace fs = std::filesystem;

using test::read_file;

// Every file under `dir` (staging directories included) with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

std::vector<fs::path> staging_dirs(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind(std::string(geo::kStagingPrefix), 0) == 0)
      out.push_back(e.path());
  return out;
}

// The embedded default with more to write (every map and vector format), so the writing lasts.
fs::path slow_writing_scenario(const test::TempDir& dir) {
  std::string text = app::default_scenario_text();
  text = text.substr(0, text.find("\noutput:"));
  text += "\noutput: {vector: [gpkg, shp], maps: [png, svg, pdf], tables: true}\n";
  const fs::path file = dir / "scenario.yaml";
  std::ofstream(file) << text;
  return file;
}

class Process {
 public:
  explicit Process(const std::vector<std::string>& args, const fs::path& err) {
    std::vector<std::string> argv{COVSIM_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_EQ(posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Process() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  bool running() {
    if (done_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) done_ = true;
    return !done_;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  int wait() {
    if (!done_) ::waitpid(pid_, &status_, 0);
    done_ = true;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

// Waits until `ready()` or the process ends; false when it ended first.
template <class Ready>
bool wait_for(Process& p, Ready&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    if (!p.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// A staging directory holding at least one written (or half-written) file.
bool writing(const fs::path& out) {
  for (const fs::path& s : staging_dirs(out)) {
    std::error_code ec;
    if (fs::directory_iterator(s / "files", ec) != fs::directory_iterator()) return true;
  }
  return false;
}

struct Fixture {
  test::TempDir dir;
  fs::path scenario = slow_writing_scenario(dir);
  fs::path out = dir / "out";
  std::map<std::string, std::string> before;

  // A complete earlier run: the old set that must survive.
  Fixture() {
    Process first({"-q", "run", scenario.string(), "-o", out.string()}, dir / "first.err");
    const int status = first.wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(dir / "first.err");
    before = snapshot(out);
    EXPECT_GE(before.size(), 20u);
  }
  std::vector<std::string> rerun() const {
    return {"-q", "run", scenario.string(), "-o", out.string(), "--overwrite"};
  }
};

void expect_interrupted(Process& p, int sig, const fs::path& err) {
  const int status = p.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of handling it";
  EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
  EXPECT_NE(read_file(err).find("covsim: interrupted by " +
                                std::string(sig == SIGINT ? "SIGINT" : "SIGTERM")),
            std::string::npos)
      << read_file(err);
}

TEST(Interrupt, SigintWhileWritingLeavesTheOldOutputsAsTheyWere) {
  Fixture f;
  Process p(f.rerun(), f.dir / "err");
  ASSERT_TRUE(wait_for(p, [&] { return writing(f.out); })) << "the run ended before writing";
  p.signal(SIGINT);
  expect_interrupted(p, SIGINT, f.dir / "err");
  EXPECT_EQ(snapshot(f.out), f.before);
  EXPECT_TRUE(staging_dirs(f.out).empty());
}

TEST(Interrupt, SigtermWhileComputingLeavesNothingOfANewDirectory) {
  Fixture f;
  const fs::path fresh = f.dir / "fresh" / "out";
  Process p({"-q", "run", f.scenario.string(), "-o", fresh.string()}, f.dir / "err");
  // The staging directory exists from the start, beside where the new directory will be.
  ASSERT_TRUE(wait_for(p, [&] { return !staging_dirs(f.dir.path()).empty(); }));
  p.signal(SIGTERM);
  expect_interrupted(p, SIGTERM, f.dir / "err");
  EXPECT_FALSE(fs::exists(f.dir / "fresh"));
  EXPECT_TRUE(staging_dirs(f.dir.path()).empty());
}

TEST(Interrupt, StagingLeftBySigkillGoesWithTheNextRun) {
  Fixture f;
  {
    Process p(f.rerun(), f.dir / "err");
    ASSERT_TRUE(wait_for(p, [&] { return writing(f.out); })) << "the run ended before writing";
    p.signal(SIGKILL);
    p.wait();
  }
  ASSERT_EQ(staging_dirs(f.out).size(), 1u) << "SIGKILL cannot be handled: the staging stays";
  // The old set is still complete: only the staging directory holds new files.
  std::map<std::string, std::string> visible;
  for (const auto& [name, bytes] : snapshot(f.out))
    if (name.rfind(std::string(geo::kStagingPrefix), 0) != 0) visible[name] = bytes;
  EXPECT_EQ(visible, f.before);

  Process next(f.rerun(), f.dir / "next.err");
  const int status = next.wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(f.dir / "next.err");
  EXPECT_TRUE(staging_dirs(f.out).empty());
  EXPECT_EQ(snapshot(f.out).size(), f.before.size());
}

}  // namespace
}  // namespace covsim
