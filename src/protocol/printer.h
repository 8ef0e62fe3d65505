#pragma once

// Renders a described struct as text, e.g. for logs and test failures:
// {acks=1, timeout_ms=30000, topics=[{name="t", ...}]}. Only fields present
// at the given version are shown; bytes are shown by length.

#include <string>

#include <fmt/format.h>

#include "protocol/schema.h"

namespace cs::kafka {

class printer {
  public:
    printer(std::string& out, int16_t version) : out_(out), version_(version) {}

    template <class T>
    void field(T& f, const char* name, versions present = all_versions, field_opts = {}) {
        if (present.contains(version_)) {
            name_value(name, f);
        }
    }
    template <class T>
    void tagged_field(uint32_t, T& f, const char* name, versions present = all_versions) {
        if (present.contains(version_)) {
            name_value(name, f);
        }
    }

    template <described S>
    void value(S& s) {
        out_ += '{';
        bool saved = first_;
        first_ = true;
        s.describe(*this);
        first_ = saved;
        out_ += '}';
    }
    template <class T>
    requires std::is_arithmetic_v<T>
    void value(T v) {
        if constexpr (std::is_same_v<T, bool>) {
            out_ += v ? "true" : "false";
        } else {
            fmt::format_to(std::back_inserter(out_), "{}", v);
        }
    }
    void value(const uuid& u) {
        for (auto b : u.bytes) {
            fmt::format_to(std::back_inserter(out_), "{:02x}", b);
        }
    }
    void value(const std::string& s) { fmt::format_to(std::back_inserter(out_), "\"{}\"", s); }
    void value(const bytes& b) { fmt::format_to(std::back_inserter(out_), "<{} bytes>", b.size()); }
    template <class T>
    void value(std::optional<T>& o) {
        if (o) {
            value(*o);
        } else {
            out_ += "null";
        }
    }
    template <class T>
    requires(!std::is_same_v<T, std::byte>) void value(std::vector<T>& v) {
        out_ += '[';
        for (size_t i = 0; i < v.size(); ++i) {
            if (i) {
                out_ += ", ";
            }
            value(v[i]);
        }
        out_ += ']';
    }

  private:
    template <class T>
    void name_value(const char* name, T& f) {
        if (!first_) {
            out_ += ", ";
        }
        first_ = false;
        out_ += name;
        out_ += '=';
        value(f);
    }

    std::string& out_;
    int16_t version_;
    bool first_ = true;
};

template <described S>
std::string to_string(const S& s, int16_t version) {
    std::string out;
    printer p(out, version);
    p.value(const_cast<S&>(s));
    return out;
}

}  // namespace cs::kafka
