#pragma once

// Byte encodings Connect's converters use: base64 (JSON bytes and BASE64
// decimals) and the Decimal logical type's unscaled big-endian two's
// complement integer, to and from decimal text ("-12.30" at scale 2).

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cs::connect {

std::string base64_encode(std::string_view bytes);
// Standard alphabet, '=' padding optional; an error names the bad character.
result<std::string> base64_decode(std::string_view text);

// Decimal text (an optional sign, digits, an optional fraction, an optional
// exponent as JSON allows) rescaled to scale and returned as Connect's
// unscaled bytes. An error when the value has more fraction digits than
// scale allows (Connect refuses a scale mismatch rather than rounding).
result<std::string> decimal_from_text(std::string_view text, int32_t scale);
// The plain decimal text of unscaled bytes at scale, e.g. "-12.30".
std::string decimal_to_text(std::string_view unscaled, int32_t scale);

}  // namespace cs::connect
