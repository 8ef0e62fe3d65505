#pragma once

// Test helpers derived from message descriptions: fill every field of a
// message with distinct non-default values, and compute what a message should
// look like after a round trip at a version (fields absent there reset to
// their defaults).

#include <cstring>
#include <string>
#include <vector>

#include "protocol/schema.h"

namespace cs::kafka::testing {

// Sets every field (present at any version, tagged or not) to a distinct
// value; arrays get two elements.
class filler {
  public:
    template <class T>
    void field(T& f, const char*, versions = all_versions, field_opts = {}) {
        fill(f);
    }
    template <class T>
    void tagged_field(uint32_t, T& f, const char*, versions = all_versions) {
        fill(f);
    }

    template <described S>
    void fill(S& s) {
        s.describe(*this);
    }
    template <class T>
    requires std::is_arithmetic_v<T>
    void fill(T& v) {
        if constexpr (std::is_same_v<T, bool>) {
            v = true;
        } else {
            v = static_cast<T>(++n_ % 100 + 1);
        }
    }
    void fill(uuid& u) {
        for (auto& b : u.bytes) {
            b = static_cast<uint8_t>(++n_);
        }
    }
    void fill(std::string& s) { s = "s" + std::to_string(++n_); }
    void fill(bytes& b) { b.assign(3, static_cast<std::byte>(++n_)); }
    template <class T>
    void fill(std::optional<T>& o) {
        fill(o.emplace());
    }
    template <class T>
    void fill(std::vector<T>& v) {
        v.resize(2);
        for (auto& e : v) {
            fill(e);
        }
    }

  private:
    int n_ = 0;
};

// Collects the addresses of a struct's fields in description order.
class field_addresses {
  public:
    template <class T>
    void field(T& f, const char*, versions = all_versions, field_opts = {}) {
        addrs.push_back(&f);
    }
    template <class T>
    void tagged_field(uint32_t, T& f, const char*, versions = all_versions) {
        addrs.push_back(&f);
    }
    std::vector<void*> addrs;
};

// Resets the fields absent at `version` (and tagged fields when not flexible)
// to the struct's defaults, recursively.
class normalizer {
  public:
    normalizer(int16_t version, bool flexible) : version_(version), flexible_(flexible) {}

    template <described S>
    void normalize(S& s) {
        S defaults{};
        field_addresses fa;
        defaults.describe(fa);
        auto saved_defaults = std::move(defaults_);
        size_t saved_i = i_;
        defaults_ = std::move(fa.addrs);
        i_ = 0;
        s.describe(*this);
        defaults_ = std::move(saved_defaults);
        i_ = saved_i;
    }

    template <class T>
    void field(T& f, const char*, versions present = all_versions, field_opts = {}) {
        visit(f, present.contains(version_));
    }
    template <class T>
    void tagged_field(uint32_t, T& f, const char*, versions present = all_versions) {
        visit(f, flexible_ && present.contains(version_));
    }

  private:
    template <class T>
    void visit(T& f, bool present) {
        void* d = defaults_[i_++];
        if (!present) {
            f = *static_cast<T*>(d);
            return;
        }
        recurse(f);
    }
    template <class T>
    void recurse(T& f) {
        if constexpr (described<T>) {
            normalize(f);
        } else if constexpr (is_vector<T>::value) {
            for (auto& e : f) {
                recurse(e);
            }
        } else if constexpr (is_optional<T>::value) {
            if (f) {
                recurse(*f);
            }
        }
    }

    int16_t version_;
    bool flexible_;
    std::vector<void*> defaults_;
    size_t i_ = 0;
};

template <described S>
S filled() {
    S s{};
    filler f;
    f.fill(s);
    return s;
}

template <described S>
S normalized(S s, int16_t version, bool flexible) {
    normalizer n(version, flexible);
    n.normalize(s);
    return s;
}

inline bytes hex_bytes(std::string_view hex) {
    bytes out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(
            static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

}  // namespace cs::kafka::testing
