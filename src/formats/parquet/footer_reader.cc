#include "formats/parquet/footer_reader.h"

#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "formats/parquet/thrift_compact.h"

namespace cs::formats::parquet {
namespace {

using thrift::ctype;

// The read half of the compact protocol, as far as skipping needs it.
class compact_reader {
  public:
    explicit compact_reader(bytes_view in) : in_(in) {}

    bool ok() const { return ok_; }

    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= in_.size()) {
                break;
            }
            auto b = static_cast<uint8_t>(in_[pos_++]);
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        ok_ = false;
        return 0;
    }
    int64_t zigzag() {
        uint64_t v = varint();
        return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    }
    uint8_t byte() {
        if (pos_ >= in_.size()) {
            ok_ = false;
            return 0;
        }
        return static_cast<uint8_t>(in_[pos_++]);
    }
    void advance(uint64_t n) {
        if (n > in_.size() - pos_) {
            ok_ = false;
            pos_ = in_.size();
            return;
        }
        pos_ += n;
    }

    // Skips one value of type t (a struct to its stop byte). depth bounds
    // nesting, so a hostile footer cannot exhaust the stack.
    void skip(uint8_t t, int depth) {
        if (depth > 64) {
            ok_ = false;
            return;
        }
        switch (static_cast<ctype>(t)) {
            case ctype::bool_true:
            case ctype::bool_false:
                return;  // in a field header: the value is the type
            case ctype::i8:
                advance(1);
                return;
            case ctype::i16:
            case ctype::i32:
            case ctype::i64:
                (void)varint();
                return;
            case ctype::double_:
                advance(8);
                return;
            case ctype::binary:
                advance(varint());
                return;
            case ctype::list:
            case ctype::set: {
                uint8_t h = byte();
                uint64_t n = h >> 4;
                if (n == 15) {
                    n = varint();
                }
                skip_elements(h & 0x0f, n, depth);
                return;
            }
            case ctype::map: {
                uint64_t n = varint();
                if (n == 0) {
                    return;
                }
                uint8_t kv = byte();
                for (uint64_t i = 0; i < n && ok_; ++i) {
                    skip_element(kv >> 4, depth);
                    skip_element(kv & 0x0f, depth);
                }
                return;
            }
            case ctype::struct_:
                skip_struct(depth + 1);
                return;
        }
        ok_ = false;
    }

    // Calls on_field(id, type) for each field of a struct until its stop
    // byte; on_field must consume the value (or call skip).
    template <class F>
    void fields(F&& on_field) {
        int16_t last = 0;
        while (ok_) {
            uint8_t h = byte();
            if (h == 0) {
                return;  // stop
            }
            uint8_t type = h & 0x0f;
            int16_t delta = static_cast<int16_t>(h >> 4);
            int16_t id =
                delta != 0 ? static_cast<int16_t>(last + delta) : static_cast<int16_t>(zigzag());
            last = id;
            on_field(id, type);
        }
    }

  private:
    // In a list, set or map a boolean is a whole byte.
    void skip_element(uint8_t t, int depth) {
        if (t == static_cast<uint8_t>(ctype::bool_true) ||
            t == static_cast<uint8_t>(ctype::bool_false)) {
            advance(1);
        } else {
            skip(t, depth);
        }
    }
    void skip_elements(uint8_t t, uint64_t n, int depth) {
        for (uint64_t i = 0; i < n && ok_; ++i) {
            skip_element(t, depth);
        }
    }
    void skip_struct(int depth) {
        fields([&](int16_t, uint8_t type) { skip(type, depth); });
    }

    bytes_view in_;
    size_t pos_ = 0;
    bool ok_ = true;
};

constexpr int16_t file_metadata_num_rows = 3;

}  // namespace

result<int64_t> footer_num_rows(bytes_view footer) {
    compact_reader r(footer);
    std::optional<int64_t> rows;
    r.fields([&](int16_t id, uint8_t type) {
        if (id == file_metadata_num_rows && type == static_cast<uint8_t>(ctype::i64)) {
            rows = r.zigzag();
        } else {
            r.skip(type, 0);
        }
    });
    if (!r.ok() || !rows || *rows < 0) {
        return error{errc::corrupt, "the Parquet footer is not a FileMetaData with num_rows"};
    }
    return *rows;
}

result<int64_t> file_num_rows(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return error{errc::io, fmt::format("cannot open {}", path.string())};
    }
    auto size = static_cast<int64_t>(in.tellg());
    if (size < 12) {
        return error{errc::corrupt, fmt::format("{}: too short for Parquet", path.string())};
    }
    char tail[8];
    in.seekg(size - 8);
    in.read(tail, 8);
    if (!in || std::memcmp(tail + 4, "PAR1", 4) != 0) {
        return error{
            errc::corrupt,
            fmt::format("{}: no PAR1 magic at the end (not Parquet, or encrypted)", path.string())};
    }
    uint32_t len = 0;
    for (int i = 3; i >= 0; --i) {
        len = (len << 8) | static_cast<uint8_t>(tail[i]);
    }
    if (static_cast<int64_t>(len) > size - 12) {
        return error{errc::corrupt,
                     fmt::format("{}: footer length {} exceeds the file", path.string(), len)};
    }
    bytes footer(len);
    in.seekg(size - 8 - static_cast<int64_t>(len));
    in.read(reinterpret_cast<char*>(footer.data()), len);
    if (!in) {
        return error{errc::io, fmt::format("cannot read the footer of {}", path.string())};
    }
    auto rows = footer_num_rows(footer);
    if (!rows) {
        return error{errc::corrupt, fmt::format("{}: {}", path.string(), rows.err().message)};
    }
    return rows;
}

}  // namespace cs::formats::parquet
