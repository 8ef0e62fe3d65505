#pragma once

// An object_store over the S3 REST API: libcurl for HTTP, requests signed
// with AWS Signature V4 (sigv4.h), payloads hashed (x-amz-content-sha256).
// Works against AWS and S3-compatible endpoints (store.url: MinIO, s3rver).
//
// Retries: connection failures, timeouts, 5xx answers and the 4xx ones that
// mean "slow down" (408, 429, 400 RequestTimeout) are retried up to
// max_attempts times with exponential backoff (base_backoff_ms doubling);
// then errc::io / errc::timed_out, which the worker retries again as a
// batch. 4xx answers are returned at once (not_found for 404).
//
// One thread at a time (one curl handle, reused for keep-alive).

#include <memory>
#include <string>

#include "connect/connectors/s3/object_store.h"
#include "connect/connectors/s3/sigv4.h"
#include "connect/plugin.h"

namespace cs::connect::s3 {

struct s3_store_options {
    std::string endpoint;  // "http://127.0.0.1:9000", "https://s3.us-east-1.amazonaws.com"
    std::string bucket;
    std::string region = "us-west-2";
    bool path_style = true;  // false: https://<bucket>.<host>/<key>
    sigv4_credentials credentials;
    int max_attempts = 5;
    int base_backoff_ms = 100;
    long timeout_ms = 60'000;
};

result<std::unique_ptr<object_store>> open_s3_store(s3_store_options options);

// s3.bucket.name, s3.region, store.url, s3.path.style.access.enabled,
// aws.access.key.id / aws.secret.access.key, else AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the environment.
result<s3_store_options> s3_options_from_config(const config_map& config);

}  // namespace cs::connect::s3
