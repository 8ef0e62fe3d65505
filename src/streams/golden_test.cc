// SQL golden files: every tests/streams/golden/*.json is one test case
// (named after the file) run through the statement engine against our
// broker, one broker for the whole suite. The file format is in
// golden_case.h, how a file runs in golden_runner.h.
//
//   streams_golden_test --gtest_filter='*join_left*'     one file
//   CS_GOLDEN_DIR=/some/dir streams_golden_test          other files

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "streams/golden_case.h"
#include "streams/golden_runner.h"
#include "testing/test_brokers.h"

namespace cs::streams::golden {
namespace {

std::filesystem::path golden_dir() {
    if (const char* d = std::getenv("CS_GOLDEN_DIR"); d != nullptr && *d != '\0') {
        return d;
    }
    return std::filesystem::path(CS_SOURCE_DIR) / "tests" / "streams" / "golden";
}

std::vector<std::filesystem::path> golden_files() {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(golden_dir(), ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

class Golden : public ::testing::TestWithParam<std::filesystem::path> {
  protected:
    static void SetUpTestSuite() { broker_ = cs::testing::start_clickstream_broker(); }
    static void TearDownTestSuite() {
        wait_for_stopped_engines();
        broker_.reset();
    }

    static std::unique_ptr<cs::testing::test_broker> broker_;
};

std::unique_ptr<cs::testing::test_broker> Golden::broker_;

TEST_P(Golden, File) {
    auto c = load_case(GetParam());
    ASSERT_TRUE(c.ok()) << c.err().message;
    if (!c->skip.empty()) {
        GTEST_SKIP() << GetParam().filename().string() << ": " << c->skip;
    }
    auto report = run_case(*broker_, *c);
    ASSERT_TRUE(report.ok()) << GetParam().string() << " (" << c->name
                             << ") could not run: " << report.err().message;
    EXPECT_TRUE(report->empty()) << GetParam().string() << " (" << c->name << ")\n" << *report;
}

std::string test_name(const ::testing::TestParamInfo<std::filesystem::path>& info) {
    std::string name = info.param.stem().string();
    for (char& ch : name) {
        if (std::isalnum(static_cast<unsigned char>(ch)) == 0) {
            ch = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Sql, Golden, ::testing::ValuesIn(golden_files()), test_name);

// A wrong directory must not pass as "no files, nothing failed".
TEST(GoldenFiles, AreFound) {
    if (std::getenv("CS_GOLDEN_DIR") != nullptr) {
        GTEST_SKIP() << "CS_GOLDEN_DIR names other files";
    }
    EXPECT_GE(golden_files().size(), 20u) << golden_dir();
}

}  // namespace
}  // namespace cs::streams::golden
