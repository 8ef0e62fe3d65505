#include "streams/decimal.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "streams/value_text.h"

namespace cs::streams::decimal {

namespace {

int128 abs128(int128 v) {
    return v < 0 ? -v : v;
}

// Divides v by 10^n rounding HALF_UP (away from zero on a tie).
int128 div_pow10_half_up(int128 v, int32_t n) {
    if (n > max_precision) {
        return 0;
    }
    const int128 d = pow10(n);
    int128 q = v / d;
    const int128 r = v % d;
    if (abs128(r) * 2 >= d) {
        q += v < 0 ? -1 : 1;
    }
    return q;
}

}  // namespace

int128 pow10(int32_t n) {
    int128 p = 1;
    for (int32_t i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

int32_t digit_count(int128 v) {
    v = abs128(v);
    int32_t n = 1;
    while (v >= 10) {
        v /= 10;
        ++n;
    }
    return n;
}

bool fits(const decimal_value& v, int32_t precision) {
    return v.unscaled == 0 || digit_count(v.unscaled) <= precision;
}

result<decimal_value> rescale(const decimal_value& v, int32_t scale, int32_t precision) {
    decimal_value out{v.unscaled, scale};
    if (scale < v.scale) {
        out.unscaled = div_pow10_half_up(v.unscaled, v.scale - scale);
    } else if (scale > v.scale) {
        const int32_t up = scale - v.scale;
        if (v.unscaled != 0 && digit_count(v.unscaled) + up > max_precision) {
            return error{errc::invalid_argument,
                         fmt::format("Numeric field overflow: {} does not fit DECIMAL({}, {})",
                                     decimal_text(v), precision, scale)};
        }
        out.unscaled = v.unscaled * pow10(up);
    }
    if (!fits(out, precision)) {
        return error{errc::invalid_argument,
                     fmt::format("Numeric field overflow: {} does not fit DECIMAL({}, {})",
                                 decimal_text(v), precision, scale)};
    }
    return out;
}

result<decimal_value> parse(std::string_view text) {
    auto bad = [&] {
        return error{errc::invalid_argument, fmt::format("'{}' is not a decimal number", text)};
    };
    size_t i = 0;
    size_t end = text.size();
    while (i < end && text[i] == ' ') {
        ++i;
    }
    while (end > i && text[end - 1] == ' ') {
        --end;
    }
    bool negative = false;
    if (i < end && (text[i] == '+' || text[i] == '-')) {
        negative = text[i] == '-';
        ++i;
    }
    int128 unscaled = 0;
    int32_t scale = 0;
    int32_t digits = 0;
    bool point = false;
    bool any = false;
    for (; i < end; ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            any = true;
            if (unscaled != 0 || c != '0') {
                ++digits;
            }
            if (digits > max_precision) {
                return error{errc::invalid_argument,
                             fmt::format("'{}' has more than 38 digits", text)};
            }
            unscaled = unscaled * 10 + (c - '0');
            if (point) {
                ++scale;
            }
        } else if (c == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    if (!any) {
        return bad();
    }
    if (i < end) {
        if (text[i] != 'e' && text[i] != 'E') {
            return bad();
        }
        ++i;
        bool exp_negative = false;
        if (i < end && (text[i] == '+' || text[i] == '-')) {
            exp_negative = text[i] == '-';
            ++i;
        }
        if (i == end) {
            return bad();
        }
        int32_t exp = 0;
        for (; i < end; ++i) {
            if (text[i] < '0' || text[i] > '9' || exp > 1000) {
                return bad();
            }
            exp = exp * 10 + (text[i] - '0');
        }
        scale += exp_negative ? exp : -exp;
    }
    if (scale < 0) {
        if (unscaled != 0 && digit_count(unscaled) - scale > max_precision) {
            return error{errc::invalid_argument, fmt::format("'{}' has more than 38 digits", text)};
        }
        unscaled *= pow10(-scale);
        scale = 0;
    }
    if (scale > max_precision) {
        // More fraction digits than any DECIMAL holds: keep 38, rounded.
        unscaled = div_pow10_half_up(unscaled, scale - max_precision);
        scale = max_precision;
    }
    return decimal_value{negative ? -unscaled : unscaled, scale};
}

double to_double(const decimal_value& v) {
    // Through the text form so the result is the correctly rounded double
    // (BigDecimal.doubleValue), not an accumulation of rounding errors.
    const std::string s = decimal_text(v);
    return std::strtod(s.c_str(), nullptr);
}

int128 truncate(const decimal_value& v) {
    if (v.scale > max_precision) {
        return 0;
    }
    return v.unscaled / pow10(v.scale);
}

int compare(const decimal_value& a, const decimal_value& b) {
    // Compare integer parts first so scaling never overflows, then fractions
    // brought to the common scale (at most 38 digits each).
    const int128 ia = truncate(a);
    const int128 ib = truncate(b);
    if (ia != ib) {
        return ia < ib ? -1 : 1;
    }
    const int32_t scale = std::max(a.scale, b.scale);
    const int128 fa = (a.unscaled - ia * pow10(a.scale)) * pow10(scale - a.scale);
    const int128 fb = (b.unscaled - ib * pow10(b.scale)) * pow10(scale - b.scale);
    if (fa != fb) {
        return fa < fb ? -1 : 1;
    }
    return 0;
}

}  // namespace cs::streams::decimal
