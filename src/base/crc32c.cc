#include "base/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

namespace cs {
namespace {

constexpr uint32_t kPoly = 0x82f63b78;  // CRC-32C, reflected

constexpr std::array<std::array<uint32_t, 256>, 8> make_tables() {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
        }
        t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
        for (size_t s = 1; s < 8; ++s) {
            t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
        }
    }
    return t;
}

constexpr auto kTables = make_tables();
static_assert(std::endian::native == std::endian::little, "slicing-by-8 assumes little-endian");

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(const unsigned char* p, size_t n,
                                                        uint32_t crc) {
    uint64_t c = ~crc;
    while (n >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        c = __builtin_ia32_crc32di(c, v);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = static_cast<uint32_t>(c);
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p++);
        --n;
    }
    return ~c32;
}

bool detect_hardware() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2");
}
#else
bool detect_hardware() {
    return false;
}
#endif

const bool kHasHardware = detect_hardware();

}  // namespace

uint32_t crc32c_software(bytes_view data, uint32_t crc) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t n = data.size();
    uint32_t c = ~crc;
    while (n >= 8) {
        uint32_t lo;
        uint32_t hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;  // little-endian load: the reflected CRC consumes low bytes first
        c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
            kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
            kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        --n;
    }
    return ~c;
}

bool crc32c_has_hardware() {
    return kHasHardware;
}

uint32_t crc32c(bytes_view data, uint32_t crc) {
#if defined(__x86_64__)
    if (kHasHardware) {
        return crc32c_sse42(reinterpret_cast<const unsigned char*>(data.data()), data.size(), crc);
    }
#endif
    return crc32c_software(data, crc);
}

}  // namespace cs
