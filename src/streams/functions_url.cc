// URL_EXTRACT_HOST/PATH/QUERY/FRAGMENT/PARAMETER/PORT/PROTOCOL, following
// java.net.URI as ksqlDB's UDFs use it: path, query and fragment are
// percent-decoded; a missing host, query, fragment or port is NULL; a
// missing path is '' (NULL in an opaque URI such as 'mailto:a@b.c', which
// has no query either). A URL with characters URI rejects (spaces, control
// characters, bad % escapes) is an error (the record goes to the DLQ).

#include <fmt/format.h>

#include "streams/function_support.h"
#include "streams/url_parts.h"

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
    r.add("URL_EXTRACT_PARAMETER", {"URL_EXTRACT_PARAMETER(STRING url, STRING name)"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 2 || !is(t[0], type_kind::string) || !is(t[1], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &parameter);
          });
}

}  // namespace cs::streams::fn
