#pragma once

// Where a Parquet file's bytes go. The writer only ever appends, in file
// order: "PAR1", then one whole row group at a time (at each row-group cut),
// then the footer at close(). A sink can therefore stream the file out as it
// grows (the S3 multipart uploader cuts parts from the appended bytes) and
// never needs to seek.

#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::formats::parquet {

class byte_sink {
  public:
    virtual ~byte_sink() = default;
    virtual status append(bytes_view data) = 0;
    // Called once by the writer's close(), after the last append.
    virtual status finish() = 0;
};

// Appends to a std::vector (tests, small files, in-memory staging).
class memory_sink final : public byte_sink {
  public:
    status append(bytes_view data) override {
        data_.insert(data_.end(), data.begin(), data.end());
        return {};
    }
    status finish() override {
        finished_ = true;
        return {};
    }
    const bytes& data() const { return data_; }
    bool finished() const { return finished_; }

  private:
    bytes data_;
    bool finished_ = false;
};

// Writes a new file (truncating one that exists) with write(2); finish()
// fsyncs and closes it. Publication (write to a temporary name, then rename)
// is the caller's business.
class file_sink final : public byte_sink {
  public:
    static result<std::unique_ptr<file_sink>> create(const std::string& path);
    ~file_sink() override;
    file_sink(const file_sink&) = delete;
    file_sink& operator=(const file_sink&) = delete;

    status append(bytes_view data) override;
    status finish() override;

  private:
    file_sink(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_;
    std::string path_;
};

}  // namespace cs::formats::parquet
