// JsonFormat: one object per line; the whole object is gzip-compressed
// (a single RFC 1952 member) at finish() when s3.compression.type=gzip.

#include <cmath>

#include <fmt/format.h>
#include <zlib.h>

#include "connect/connectors/s3/format_impl.h"
#include "connect/converters/encoding.h"
#include "connect/data_json.h"

namespace cs::connect::s3 {

namespace {

result<bytes> gzip(std::string_view in) {
    z_stream z{};
    // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return error{errc::io, "gzip: deflateInit2 failed"};
    }
    bytes out(deflateBound(&z, static_cast<uLong>(in.size())) + 32);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        return error{errc::io, "gzip: deflate did not finish"};
    }
    out.resize(n);
    return out;
}

class json_writer final : public record_writer {
  public:
    explicit json_writer(bool gz) : gzip_(gz) {}
    result<bool> write(const record& r) override {
        append_plain_json(text_, r.value);
        text_ += '\n';
        return true;
    }
    size_t buffered_bytes() const override { return text_.size(); }
    result<bytes> finish() override {
        if (gzip_) {
            return gzip(text_);
        }
        auto b = as_bytes(text_);
        return bytes(b.begin(), b.end());
    }

  private:
    bool gzip_;
    std::string text_;
};

class json_format final : public record_format {
  public:
    explicit json_format(bool gz) : gzip_(gz) {}
    std::string extension() const override { return gzip_ ? ".json.gz" : ".json"; }
    result<std::unique_ptr<record_writer>> open(const record&) const override {
        return std::unique_ptr<record_writer>(std::make_unique<json_writer>(gzip_));
    }

  private:
    bool gzip_;
};

}  // namespace

std::unique_ptr<record_format> make_json_format(bool gz) {
    return std::make_unique<json_format>(gz);
}

}  // namespace cs::connect::s3
