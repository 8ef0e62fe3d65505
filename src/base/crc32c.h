#pragma once

// CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2. Uses the
// SSE4.2 crc32 instruction when the CPU has it (checked once at start-up),
// otherwise a slicing-by-8 table implementation; both give identical results.

#include <cstdint>

#include "base/bytes.h"

namespace cs {

// Continues a CRC over more data: crc32c(b, crc32c(a)) == crc32c(a ++ b).
uint32_t crc32c(bytes_view data, uint32_t crc = 0);

// Exposed for tests and benchmarks, which compare the two paths.
uint32_t crc32c_software(bytes_view data, uint32_t crc = 0);
bool crc32c_has_hardware();

}  // namespace cs
