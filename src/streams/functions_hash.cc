// MD5(STRING), as ksqlDB's MD5.java (commons-codec DigestUtils.md5Hex): the
// lower-case hex MD5 digest of the string's UTF-8 bytes; NULL gives NULL.

#include <openssl/evp.h>

#include "streams/function_support.h"

namespace cs::streams::fn {

namespace {

result<value> md5_hex(std::span<const value> a, const sql_type&) {
    const std::string& s = a[0].as_string();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(s.data(), s.size(), digest, &size, EVP_md5(), nullptr) != 1) {
        return error{errc::io, "MD5: the digest failed (OpenSSL EVP_Digest)"};
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return value(std::move(out));
}

}  // namespace

void register_hash_functions(registry& r) {
    r.add("MD5", {"MD5(STRING) -> STRING"},
          [](std::span<const sql_type> t) -> result<std::unique_ptr<bound_function>> {
              if (t.size() != 1 || !is(t[0], type_kind::string)) {
                  return no_match();
              }
              return make_simple(sql_type::string(), &md5_hex);
          });
}

}  // namespace cs::streams::fn
