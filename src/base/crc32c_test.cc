#include "base/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Crc32c, KnownVectors) {
    // RFC 3720 B.4 and the common "123456789" check value.
    EXPECT_EQ(crc32c(as_bytes("123456789")), 0xe3069283u);
    std::string zeros(32, '\0');
    EXPECT_EQ(crc32c(as_bytes(zeros)), 0x8a9136aau);
    std::string ones(32, '\xff');
    EXPECT_EQ(crc32c(as_bytes(ones)), 0x62a8ab43u);
    EXPECT_EQ(crc32c(bytes_view{}), 0u);
}

TEST(Crc32c, SoftwareAndHardwareAgreeOnEveryLengthAndAlignment) {
    std::mt19937 rng(7);
    std::string data(1024, '\0');
    for (auto& c : data) {
        c = static_cast<char>(rng());
    }
    for (size_t start = 0; start < 9; ++start) {
        for (size_t len = 0; len + start <= data.size(); len += 13) {
            auto v = as_bytes(std::string_view(data).substr(start, len));
            ASSERT_EQ(crc32c(v), crc32c_software(v)) << start << "+" << len;
        }
    }
}

TEST(Crc32c, IsIncremental) {
    std::string s = "the quick brown fox jumps over the lazy dog";
    auto whole = crc32c(as_bytes(s));
    for (size_t cut = 0; cut <= s.size(); ++cut) {
        auto a = crc32c(as_bytes(std::string_view(s).substr(0, cut)));
        EXPECT_EQ(crc32c(as_bytes(std::string_view(s).substr(cut)), a), whole);
        auto sa = crc32c_software(as_bytes(std::string_view(s).substr(0, cut)));
        EXPECT_EQ(crc32c_software(as_bytes(std::string_view(s).substr(cut)), sa), whole);
    }
}

}  // namespace
}  // namespace cs
