#include "connect/connectors/s3/sigv4.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/ascii.h"

namespace cs::connect::s3 {
namespace {

std::string hex(const unsigned char* p, size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    return out;
}

std::string hmac(std::string_view key, std::string_view msg) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &n);
    return std::string(reinterpret_cast<const char*>(out), n);
}

std::string trim(std::string_view v) {
    // Leading/trailing spaces go, inner runs of spaces become one.
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += c;
    }
    return out;
}

struct canonical_parts {
    std::string request;
    std::string signed_headers;
};

canonical_parts canonicalize(const sigv4_request& r) {
    std::vector<std::pair<std::string, std::string>> q;
    for (const auto& [k, v] : r.query) {
        q.emplace_back(uri_encode(k, true), uri_encode(v, true));
    }
    std::sort(q.begin(), q.end());
    std::string query;
    for (const auto& [k, v] : q) {
        query += query.empty() ? "" : "&";
        query += k + "=" + v;
    }
    std::vector<std::pair<std::string, std::string>> h;
    for (const auto& [k, v] : r.headers) {
        h.emplace_back(ascii_lower(k), trim(v));
    }
    std::sort(h.begin(), h.end());
    std::string headers;
    std::string names;
    for (size_t i = 0; i < h.size(); ++i) {
        // Repeated names join their values with commas.
        if (i > 0 && h[i].first == h[i - 1].first) {
            headers.pop_back();
            headers += "," + h[i].second + "\n";
            continue;
        }
        headers += h[i].first + ":" + h[i].second + "\n";
        names += names.empty() ? "" : ";";
        names += h[i].first;
    }
    const std::string path = r.path.empty() ? "/" : uri_encode(r.path, false);
    return {fmt::format("{}\n{}\n{}\n{}\n{}\n{}", r.method, path, query, headers, names,
                        r.payload_hash),
            names};
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, EVP_sha256(), nullptr);
    return hex(out, n);
}

std::string uri_encode(std::string_view s, bool encode_slash) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (c == '/' && !encode_slash)) {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::string canonical_request(const sigv4_request& r) {
    return canonicalize(r).request;
}

std::string sigv4_authorization(const sigv4_request& r, const sigv4_credentials& creds,
                                std::string_view amz_date, std::string_view region,
                                std::string_view service) {
    const canonical_parts c = canonicalize(r);
    const std::string_view date = amz_date.substr(0, 8);
    const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
    const std::string to_sign =
        fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope, sha256_hex(c.request));
    std::string key = hmac("AWS4" + creds.secret_access_key, date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    const std::string sig = hmac(key, to_sign);
    return fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                       creds.access_key_id, scope, c.signed_headers,
                       hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size()));
}

}  // namespace cs::connect::s3
