#pragma once

// Shared helpers for the storage tests: a temporary directory and batch makers.

#include <filesystem>
#include <string>

#include <stdlib.h>

#include "protocol/record_batch.h"

namespace cs::storage::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class temp_dir {
  public:
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/cs-storage-XXXXXX";
        char* made = ::mkdtemp(tmpl.data());
        path_ = made != nullptr ? std::filesystem::path(made) : std::filesystem::path();
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

// A producer batch of `count` records "<tag>-<i>" (value padded to
// value_size) with timestamps ts, ts+1, ...
inline bytes make_batch(int count, int64_t ts, const std::string& tag = "r",
                        size_t value_size = 16) {
    kafka::batch_builder b;
    for (int i = 0; i < count; ++i) {
        std::string v = tag + "-" + std::to_string(i);
        if (v.size() < value_size) {
            v.resize(value_size, '.');
        }
        b.add("key-" + std::to_string(i), v, ts + i);
    }
    return b.build();
}

}  // namespace cs::storage::testing
