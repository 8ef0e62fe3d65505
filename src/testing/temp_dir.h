#pragma once

// A fresh, uniquely named directory for one test, removed with its contents
// when the object goes. Header-only so that any module's tests can use it
// without linking test support.
//
// The name comes from mkdtemp(3): ctest runs every test in its own process,
// often several at once and alongside a second (sanitizer) build, so a name
// made of the test's name or gtest's random seed (0 unless --gtest_shuffle)
// is shared between processes, and one test's cleanup removes another's
// files mid-run.

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <stdlib.h>

namespace cs::testing {

class temp_dir {
  public:
    explicit temp_dir(const std::string& prefix = "cs-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
        }
        path_ = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace cs::testing
