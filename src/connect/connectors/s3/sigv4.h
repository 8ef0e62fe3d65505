#pragma once

// AWS Signature Version 4 for S3 requests (header-based signing):
//   canonical request = method \n canonical URI \n canonical query \n
//                       canonical headers \n signed header names \n payload hash
//   string to sign    = "AWS4-HMAC-SHA256" \n amz date \n scope \n hex(sha256(canonical request))
//   signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
//   Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=..., Signature=...
// S3 URIs are encoded once (not twice as for other services) and the
// payload hash may be "UNSIGNED-PAYLOAD". Pure functions over OpenSSL.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::connect::s3 {

struct sigv4_credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty: none (else sent as x-amz-security-token)
};

struct sigv4_request {
    std::string method;                                        // GET, PUT, POST, DELETE
    std::string path;                                          // raw path, "/bucket/key"
    std::vector<std::pair<std::string, std::string>> query;    // raw names and values
    std::vector<std::pair<std::string, std::string>> headers;  // must include host, x-amz-date
    std::string payload_hash;  // hex sha256 of the body, or "UNSIGNED-PAYLOAD"
};

std::string sha256_hex(std::string_view data);
// RFC 3986 unreserved characters stay, everything else %XX (uppercase);
// '/' stays when encode_slash is false (paths).
std::string uri_encode(std::string_view s, bool encode_slash);
std::string canonical_request(const sigv4_request& r);
// amz_date: "20150830T123600Z". Returns the Authorization header value.
std::string sigv4_authorization(const sigv4_request& r, const sigv4_credentials& creds,
                                std::string_view amz_date, std::string_view region,
                                std::string_view service = "s3");

}  // namespace cs::connect::s3
