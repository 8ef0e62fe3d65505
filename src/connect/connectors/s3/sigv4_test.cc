#include "connect/connectors/s3/sigv4.h"

#include <gtest/gtest.h>

namespace cs::connect::s3 {
namespace {

// AWS's Signature V4 test suite (aws-sig-v4-test-suite): credentials
// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service".
const sigv4_credentials example{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

sigv4_request vanilla(std::vector<std::pair<std::string, std::string>> query = {}) {
    return {"GET",
            "/",
            std::move(query),
            {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
            sha256_hex("")};
}

TEST(S3SigV4, GetVanilla) {
    EXPECT_EQ(canonical_request(vanilla()),
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
              "host;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sigv4_authorization(vanilla(), example, "20150830T123600Z", "us-east-1", "service"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date, "
              "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(S3SigV4, GetVanillaQueryOrderKeyCase) {
    const std::string auth =
        sigv4_authorization(vanilla({{"Param2", "value2"}, {"Param1", "value1"}}), example,
                            "20150830T123600Z", "us-east-1", "service");
    EXPECT_TRUE(auth.ends_with(
        "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
        << auth;
}

TEST(S3SigV4, UriEncoding) {
    EXPECT_EQ(uri_encode("topics/t/year=2025/t+0+0000000000.json", false),
              "topics/t/year%3D2025/t%2B0%2B0000000000.json");
    EXPECT_EQ(uri_encode("a b/~c", true), "a%20b%2F~c");
}

}  // namespace
}  // namespace cs::connect::s3
