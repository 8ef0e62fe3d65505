// URL_EXTRACT_HOST/PATH/QUERY/FRAGMENT/PARAMETER/PORT/PROTOCOL, following
// java.net.URI as ksqlDB's UDFs use it: path, query and fragment are
// percent-decoded; a missing host, query, fragment or port is NULL; a
// missing path is '' (NULL in an opaque URI such as 'mailto:a@b.c', which
// has no query either). A URL with characters URI rejects (spaces, control
// characters, bad % escapes) is an error (the record goes to the DLQ).
// URL_ENCODE_PARAM / URL_DECODE_PARAM as application/x-www-form-urlencoded.

#include <fmt/format.h>

#include "base/strings.h"
#include "streams/function_support.h"
#include "streams/url_parts.h"
#include "streams/utf8.h"

namespace cs::streams::fn {

namespace {

template <class Get>
result<value> extract(const value& url, Get get) {
    auto parts = parse_url(url.as_string());
    if (!parts) {
        return parts.take_error();
    }
    return get(*parts);
}

value opt_decoded(const std::optional<std::string_view>& s) {
    if (!s) {
        return value();
    }
    return value(percent_decode(*s));
}

result<value> host(std::span<const value> a, const sql_type&) {
    return extract(
        a[0], [](const url_parts& p) { return p.host ? value(std::string(*p.host)) : value(); });
}
result<value> path(std::span<const value> a, const sql_type&) {
    return extract(a[0], [](const url_parts& p) { return opt_decoded(p.path); });
}
result<value> query(std::span<const value> a, const sql_type&) {
    return extract(a[0], [](const url_parts& p) { return opt_decoded(p.query); });
}
result<value> fragment(std::span<const value> a, const sql_type&) {
    return extract(a[0], [](const url_parts& p) { return opt_decoded(p.fragment); });
}
result<value> protocol(std::span<const value> a, const sql_type&) {
    return extract(a[0], [](const url_parts& p) {
        return p.scheme ? value(std::string(*p.scheme)) : value();
    });
}
result<value> port(std::span<const value> a, const sql_type&) {
    return extract(a[0], [](const url_parts& p) { return p.port ? value(*p.port) : value(); });
}
// As UrlExtractParameter: the decoded query (URI.getQuery()) split on '&',
// each piece on its first '='; the first piece named so gives its value, ''
// when it has no '='. '+' is not a space.
result<value> parameter(std::span<const value> a, const sql_type&) {
    const std::string& name = a[1].as_string();
    return extract(a[0], [&](const url_parts& p) {
        if (!p.query) {
            return value();
        }
        const std::string decoded = percent_decode(*p.query);
        std::string_view q = decoded;
        while (true) {
            const size_t amp = q.find('&');
            const std::string_view pair = q.substr(0, amp);
            const size_t eq = pair.find('=');
            if (pair.substr(0, eq) == name) {
                return value(eq == std::string_view::npos ? std::string()
                                                          : std::string(pair.substr(eq + 1)));
            }
            if (amp == std::string_view::npos) {
                return value();
            }
            q.remove_prefix(amp + 1);
        }
    });
}

// UrlEncodeParam.java (Guava's urlFormParameterEscaper): letters, digits
// and "-_.*" stay, a space becomes '+', every other byte of the UTF-8 text
// %XX with upper-case hex.
result<value> encode_param(std::span<const value> a, const sql_type&) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : a[0].as_string()) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '*') {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[b >> 4];
            out += hex[b & 0x0f];
        }
    }
    return value(std::move(out));
}

// UrlDecodeParam.java (java.net.URLDecoder, UTF-8): '+' is a space, %XX a
// byte; an incomplete or non-hex escape is an error, as URLDecoder throws.
result<value> decode_param(std::span<const value> a, const sql_type&) {
    const std::string& in = a[0].as_string();
    std::string bytes;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            bytes += ' ';
        } else if (in[i] != '%') {
            bytes += in[i];
        } else {
            const int hi = i + 2 < in.size() ? hex_digit(in[i + 1]) : -1;
            const int lo = hi >= 0 ? hex_digit(in[i + 2]) : -1;
            if (lo < 0) {
                return error{errc::invalid_argument,
                             fmt::format("URL_DECODE_PARAM: incomplete or illegal % escape at "
                                         "position {} of '{}'",
                                         i, in)};
            }
            bytes += static_cast<char>(hi * 16 + lo);
            i += 2;
        }
    }
    // Decoded bytes that are not UTF-8 become U+FFFD, as Java's decoder.
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
        append_utf8(out, utf8::decode(bytes, i));
    }
    return value(std::move(out));
}

}  // namespace

void register_url_functions(registry& r) {
    auto unary = [&r](const char* name, call_fn f, sql_type ret) {
        r.add(name, {std::string(name) + "(STRING)"},
              [f, ret](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
                  if (t.size() != 1 || !is(t[0], type_kind::string)) {
                      return no_match();
                  }
                  return make_simple(ret, f);
              });
    };
    unary("URL_EXTRACT_HOST", &host, sql_type::string());
    unary("URL_EXTRACT_PATH", &path, sql_type::string());
    unary("URL_EXTRACT_QUERY", &query, sql_type::string());
    unary("URL_EXTRACT_FRAGMENT", &fragment, sql_type::string());
    unary("URL_EXTRACT_PROTOCOL", &protocol, sql_type::string());
    unary("URL_EXTRACT_PORT", &port, sql_type::integer());
    unary("URL_ENCODE_PARAM", &encode_param, sql_type::string());
    unary("URL_DECODE_PARAM", &decode_param, sql_type::string());
    r.add("URL_EXTRACT_PARAMETER", {"URL_EXTRACT_PARAMETER(STRING url, STRING name)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &parameter);
          });
}

}  // namespace cs::streams::fn
