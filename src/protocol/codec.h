#pragma once

// The generic Kafka wire codec, derived from each struct's describe():
// `decoder` reads a struct from a wire_reader, `encoder` writes one to a
// wire_writer. Both are plain templates (no virtual calls per field), so a
// message's decode compiles down to the sequence of reads its description
// lists.
//
// Decoded strings and bytes are copies owned by the struct: nothing points
// into the received frame, which may be freed right after decode.

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>
#include <utility>

#include "base/gather.h"
#include "base/result.h"
#include "protocol/external_fields.h"
#include "protocol/schema.h"
#include "protocol/wire_reader.h"
#include "protocol/wire_writer.h"

namespace cs::kafka {

class decoder {
  public:
    decoder(wire_reader& r, int16_t version, bool flexible)
        : r_(r), version_(version), flexible_(flexible) {}

    template <class T>
    void field(T& f, const char* /*name*/, versions present = all_versions, field_opts o = {}) {
        if (present.contains(version_) && !r_.failed()) {
            read_value(f, o);
        }
    }
    // Tagged fields are read from the tagged section by read_struct.
    template <class T>
    void tagged_field(uint32_t, T&, const char*, versions = all_versions) {}

    template <described S>
    void read_value(S& s, field_opts = {}) {
        s.describe(*this);
        if (flexible_) {
            read_tagged_section(s);
        }
    }

    template <class T>
    requires std::is_integral_v<T>
    void read_value(T& v, field_opts = {}) {
        if constexpr (std::is_same_v<T, bool>) {
            v = r_.read_bool();
        } else {
            v = r_.read_int<T>();
        }
    }
    void read_value(double& v, field_opts = {}) { v = r_.read_float64(); }
    void read_value(uuid& v, field_opts = {}) {
        bytes_view b = r_.read_raw(16);
        if (b.size() == 16) {
            std::memcpy(v.bytes.data(), b.data(), 16);
        }
    }

    void read_value(std::string& v, field_opts o = {}) {
        auto len = read_length(o, /*wide=*/false);
        if (len < 0) {
            if (len == kNull) {
                r_.fail("null string in a non-nullable field");
            }
            return;
        }
        v.assign(as_string_view(r_.read_raw(static_cast<size_t>(len))));
    }
    void read_value(std::optional<std::string>& v, field_opts o = {}) {
        auto len = read_length(o, false);
        if (len == kNull && o.nullable.contains(version_)) {
            v.reset();
            return;
        }
        v.emplace();
        if (len >= 0) {
            v->assign(as_string_view(r_.read_raw(static_cast<size_t>(len))));
        } else if (len == kNull) {
            r_.fail("null string in a version where the field is not nullable");
        }
    }
    void read_value(bytes& v, field_opts o = {}) {
        auto len = read_length(o, /*wide=*/true);
        if (len < 0) {
            if (len == kNull) {
                r_.fail("null bytes in a non-nullable field");
            }
            return;
        }
        bytes_view b = r_.read_raw(static_cast<size_t>(len));
        v.assign(b.begin(), b.end());
    }
    void read_value(std::optional<bytes>& v, field_opts o = {}) {
        auto len = read_length(o, true);
        if (len == kNull && o.nullable.contains(version_)) {
            v.reset();
            return;
        }
        v.emplace();
        if (len >= 0) {
            bytes_view b = r_.read_raw(static_cast<size_t>(len));
            v->assign(b.begin(), b.end());
        } else if (len == kNull) {
            r_.fail("null bytes in a version where the field is not nullable");
        }
    }

    template <class T>
    requires(!std::is_same_v<T, std::byte>) void read_value(std::vector<T>& v, field_opts o = {}) {
        auto n = read_length(o, true);
        if (n < 0) {
            if (n == kNull) {
                r_.fail("null array in a non-nullable field");
            }
            return;
        }
        read_elements(v, n);
    }
    template <class T>
    requires(!std::is_same_v<T, std::byte>) void read_value(std::optional<std::vector<T>>& v,
                                                            field_opts o = {}) {
        auto n = read_length(o, true);
        if (n == kNull && o.nullable.contains(version_)) {
            v.reset();
            return;
        }
        v.emplace();
        if (n >= 0) {
            read_elements(*v, n);
        } else if (n == kNull) {
            r_.fail("null array in a version where the field is not nullable");
        }
    }

    int16_t version() const { return version_; }
    bool flexible() const { return flexible_; }

  private:
    static constexpr int64_t kNull = -1;
    static constexpr int64_t kFailed = -2;

    // Reads a string/bytes/array length: -1 is null, -2 is failure.
    int64_t read_length(field_opts o, bool wide) {
        int64_t len;
        if (flexible_ && !o.never_compact) {
            len = static_cast<int64_t>(r_.read_uvarint32()) - 1;
        } else if (wide) {
            len = r_.read_int<int32_t>();
        } else {
            len = r_.read_int<int16_t>();
        }
        if (r_.failed()) {
            return kFailed;
        }
        if (len < kNull) {
            r_.fail("negative length");
            return kFailed;
        }
        // Every element and every byte needs at least one byte of input, so a
        // length beyond what is left is malformed; checking here keeps a
        // forged count from reserving huge memory.
        if (len > static_cast<int64_t>(r_.remaining())) {
            r_.fail("length exceeds the remaining input");
            return kFailed;
        }
        return len;
    }

    template <class T>
    void read_elements(std::vector<T>& v, int64_t n) {
        v.clear();
        // n is bounded by the input left, but an element can be much larger in
        // memory than on the wire; reserve only a modest amount up front.
        v.reserve(std::min<size_t>(static_cast<size_t>(n), 1024));
        for (int64_t i = 0; i < n && !r_.failed(); ++i) {
            read_value(v.emplace_back());
        }
    }

    template <described S>
    void read_tagged_section(S& s);

    wire_reader& r_;
    int16_t version_;
    bool flexible_;
};

// Decodes the value of one tagged field, found by tag, from its payload.
class tagged_field_decoder {
  public:
    tagged_field_decoder(wire_reader& payload, int16_t version, uint32_t tag)
        : r_(payload), version_(version), tag_(tag) {}

    template <class T>
    void field(T&, const char*, versions = all_versions, field_opts = {}) {}
    template <class T>
    void tagged_field(uint32_t tag, T& f, const char*, versions present = all_versions) {
        if (tag != tag_ || !present.contains(version_)) {
            return;
        }
        found_ = true;
        decoder d(r_, version_, /*flexible=*/true);
        if constexpr (is_optional<T>::value) {
            d.read_value(f.emplace());
        } else {
            d.read_value(f);
        }
    }
    bool found() const { return found_; }

  private:
    wire_reader& r_;
    int16_t version_;
    uint32_t tag_;
    bool found_ = false;
};

template <described S>
void decoder::read_tagged_section(S& s) {
    uint32_t count = r_.read_uvarint32();
    if (count > r_.remaining() / 2) {  // each needs >= 2 bytes (tag, size)
        r_.fail("tagged field count exceeds the remaining input");
        return;
    }
    for (uint32_t i = 0; i < count && !r_.failed(); ++i) {
        uint32_t tag = r_.read_uvarint32();
        uint32_t size = r_.read_uvarint32();
        bytes_view payload = r_.read_raw(size);
        if (r_.failed()) {
            return;
        }
        wire_reader sub(payload);
        tagged_field_decoder td(sub, version_, tag);
        s.describe(td);
        if (!td.found()) {
            continue;  // unknown tags are skipped, as KIP-482 requires
        }
        if (sub.failed() || sub.remaining() != 0) {
            r_.fail("malformed tagged field " + std::to_string(tag));
        }
    }
}

class encoder {
  public:
    encoder(wire_writer& w, int16_t version, bool flexible)
        : w_(w), version_(version), flexible_(flexible) {}
    // With external fields: `w` must write into out.inline_bytes, and the
    // chunks of each external field become splices of `out`.
    encoder(wire_writer& w, int16_t version, bool flexible, const external_fields& ext,
            gather_bytes& out)
        : w_(w), version_(version), flexible_(flexible), ext_(&ext), gather_(&out) {}

    template <class T>
    void field(T& f, const char* /*name*/, versions present = all_versions, field_opts o = {}) {
        if (present.contains(version_)) {
            write_value(f, o);
        }
    }
    template <class T>
    void tagged_field(uint32_t, T&, const char*, versions = all_versions) {}

    template <described S>
    void write_value(S& s, field_opts = {});

    template <class T>
    requires std::is_integral_v<T>
    void write_value(T v, field_opts = {}) {
        if constexpr (std::is_same_v<T, bool>) {
            w_.write_bool(v);
        } else {
            w_.write_int<T>(v);
        }
    }
    void write_value(double v, field_opts = {}) { w_.write_float64(v); }
    void write_value(const uuid& v, field_opts = {}) {
        w_.write_raw(bytes_view(reinterpret_cast<const std::byte*>(v.bytes.data()), 16));
    }
    void write_value(const std::string& v, field_opts o = {}) {
        write_length(static_cast<int64_t>(v.size()), o, false);
        w_.write_raw(std::string_view(v));
    }
    void write_value(const std::optional<std::string>& v, field_opts o = {}) {
        if (!v) {
            write_null_or_empty(o, false);
        } else {
            write_value(*v, o);
        }
    }
    void write_value(const bytes& v, field_opts o = {}) {
        if (write_external(&v, o)) {
            return;
        }
        write_length(static_cast<int64_t>(v.size()), o, true);
        w_.write_raw(bytes_view(v));
    }
    void write_value(const std::optional<bytes>& v, field_opts o = {}) {
        if (write_external(&v, o)) {
            return;
        }
        if (!v) {
            write_null_or_empty(o, true);
        } else {
            write_value(*v, o);
        }
    }
    template <class T>
    requires(!std::is_same_v<T, std::byte>) void write_value(std::vector<T>& v, field_opts o = {}) {
        write_length(static_cast<int64_t>(v.size()), o, true);
        for (auto& e : v) {
            write_value(e);
        }
    }
    template <class T>
    requires(!std::is_same_v<T, std::byte>) void write_value(std::optional<std::vector<T>>& v,
                                                             field_opts o = {}) {
        if (!v) {
            write_null_or_empty(o, true);
        } else {
            write_value(*v, o);
        }
    }

    int16_t version() const { return version_; }

  private:
    void write_length(int64_t len, field_opts o, bool wide) {
        if (flexible_ && !o.never_compact) {
            w_.write_uvarint(static_cast<uint64_t>(len + 1));
        } else if (wide) {
            w_.write_int<int32_t>(static_cast<int32_t>(len));
        } else {
            assert(len <= INT16_MAX);
            w_.write_int<int16_t>(static_cast<int16_t>(len));
        }
    }
    // A null where the version allows none is written as empty.
    void write_null_or_empty(field_opts o, bool wide) {
        write_length(o.nullable.contains(version_) ? -1 : 0, o, wide);
    }
    // Writes the length prefix of an external field and splices its chunks in
    // after it; false if `field` is not external.
    bool write_external(const void* field, field_opts o) {
        const std::vector<external_chunk>* chunks = ext_ ? ext_->find(field) : nullptr;
        if (chunks == nullptr) {
            return false;
        }
        uint64_t total = 0;
        for (const auto& c : *chunks) {
            total += c.length;
        }
        assert(total <= INT32_MAX);
        write_length(static_cast<int64_t>(total), o, true);
        for (const auto& c : *chunks) {
            gather_->splices.push_back({w_.size(), c});
        }
        return true;
    }

    wire_writer& w_;
    int16_t version_;
    bool flexible_;
    const external_fields* ext_ = nullptr;
    gather_bytes* gather_ = nullptr;
};

// Collects the tagged fields of one struct that have a value, encoded.
class tagged_field_collector {
  public:
    explicit tagged_field_collector(int16_t version) : version_(version) {}

    template <class T>
    void field(T&, const char*, versions = all_versions, field_opts = {}) {}
    template <class T>
    void tagged_field(uint32_t tag, T& f, const char*, versions present = all_versions) {
        if (!present.contains(version_)) {
            return;
        }
        bytes payload;
        wire_writer w(payload);
        encoder e(w, version_, /*flexible=*/true);
        if constexpr (is_optional<T>::value) {
            if (!f) {
                return;
            }
            e.write_value(*f);
        } else {
            if (f.empty()) {
                return;
            }
            e.write_value(f);
        }
        fields.emplace_back(tag, std::move(payload));
    }

    std::vector<std::pair<uint32_t, bytes>> fields;

  private:
    int16_t version_;
};

template <described S>
void encoder::write_value(S& s, field_opts) {
    s.describe(*this);
    if (!flexible_) {
        return;
    }
    tagged_field_collector c(version_);
    s.describe(c);
    std::sort(c.fields.begin(), c.fields.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    w_.write_uvarint(c.fields.size());
    for (auto& [tag, payload] : c.fields) {
        w_.write_uvarint(tag);
        w_.write_uvarint(payload.size());
        w_.write_raw(bytes_view(payload));
    }
}

// Encodes `value` at `version` (flexible or not) by appending to `out`.
// describe() needs a mutable reference but the encoder only reads.
template <described S>
void encode_struct(const S& value, int16_t version, bool flexible, bytes& out) {
    wire_writer w(out);
    encoder e(w, version, flexible);
    e.write_value(const_cast<S&>(value));
}

// Decodes one struct from `r` (which may hold more bytes after it).
template <described S>
status decode_struct(S& out, wire_reader& r, int16_t version, bool flexible) {
    decoder d(r, version, flexible);
    d.read_value(out);
    if (r.failed()) {
        return status(errc::corrupt, r.error_message());
    }
    return {};
}

// Encodes a message body (request or response) at an API version.
template <described M>
void encode_message(const M& msg, int16_t version, bytes& out) {
    encode_struct(msg, version, is_flexible(M::kApiKey, version), out);
}

// Encodes a message body whose fields registered in `ext` are taken by
// reference: appends to out.inline_bytes and adds their chunks to out.splices.
template <described M>
void encode_message(const M& msg, int16_t version, const external_fields& ext, gather_bytes& out) {
    wire_writer w(out.inline_bytes);
    encoder e(w, version, is_flexible(M::kApiKey, version), ext, out);
    e.write_value(const_cast<M&>(msg));
}

// Decodes a message body that must span all of `in`.
template <described M>
status decode_message(M& out, bytes_view in, int16_t version) {
    wire_reader r(in);
    if (auto st = decode_struct(out, r, version, is_flexible(M::kApiKey, version)); !st) {
        return st;
    }
    if (r.remaining() != 0) {
        return status(errc::corrupt, "trailing bytes after the message body");
    }
    return {};
}

// Decodes a request body the way Kafka's brokers read one: bytes after the
// last field are ignored, not an error. librdkafka 2.0.x appends a stray byte
// to the requests of its newer admin calls (ListGroups v4, OffsetFetch v8;
// fixed in 2.1, confluentinc/librdkafka#4207) and Kafka serves them. Returns
// how many bytes were ignored.
template <described M>
result<size_t> decode_request_body(M& out, bytes_view in, int16_t version) {
    wire_reader r(in);
    if (auto st = decode_struct(out, r, version, is_flexible(M::kApiKey, version)); !st) {
        return st.err();
    }
    return r.remaining();
}

}  // namespace cs::kafka
