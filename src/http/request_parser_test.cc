#include "http/request_parser.h"

#include <gtest/gtest.h>

namespace cs::http {
namespace {

TEST(RequestParser, ParsesRequestWithBodyAndQuery) {
    request_parser p;
    p.feed(
        "POST /connectors/a%20b?expand=status&expand=info&x=1+2 HTTP/1.1\r\nHost: h\r\n"
        "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    request r;
    ASSERT_EQ(p.next(r), request_parser::state::complete);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/connectors/a b");
    EXPECT_EQ(r.query_values("expand"), (std::vector<std::string_view>{"status", "info"}));
    EXPECT_EQ(r.query_value("x"), "1 2");
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.body, "{\"a\":1}");
    EXPECT_TRUE(r.keep_alive());
    EXPECT_EQ(p.buffered(), 0u);
}

TEST(RequestParser, WaitsForWholeBodyFedByteByByte) {
    std::string wire = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
    request_parser p;
    request r;
    for (size_t i = 0; i + 1 < wire.size(); ++i) {
        p.feed(wire.substr(i, 1));
        ASSERT_EQ(p.next(r), request_parser::state::need_more) << i;
    }
    p.feed(wire.substr(wire.size() - 1));
    ASSERT_EQ(p.next(r), request_parser::state::complete);
    EXPECT_EQ(r.body, "abc");
}

TEST(RequestParser, PipelinedRequestsComeOutInOrder) {
    request_parser p;
    p.feed(
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\nDELETE /b HTTP/1.1\r\nHost: h\r\n"
        "Connection: close\r\n\r\nGET /c HTTP/1.0\r\n\r\n");
    request r;
    ASSERT_EQ(p.next(r), request_parser::state::complete);
    EXPECT_EQ(r.path, "/a");
    ASSERT_EQ(p.next(r), request_parser::state::complete);
    EXPECT_EQ(r.method, "DELETE");
    EXPECT_FALSE(r.keep_alive());
    ASSERT_EQ(p.next(r), request_parser::state::complete);
    EXPECT_EQ(r.minor_version, 0);
    EXPECT_FALSE(r.keep_alive());
    EXPECT_EQ(p.next(r), request_parser::state::need_more);
}

TEST(RequestParser, MalformedRequestsAreErrors) {
    struct tc {
        std::string wire;
        int status;
    };
    for (const auto& c : std::vector<tc>{
             {"GARBAGE\r\n\r\n", 400},
             {"GET  /x HTTP/1.1\r\nHost: h\r\n\r\n", 400},
             {"GET x HTTP/1.1\r\nHost: h\r\n\r\n", 400},
             {"GET /x HTTP/2.0\r\nHost: h\r\n\r\n", 505},
             {"GET /x HTTP/1.1\r\n\r\n", 400},
             {"GET /x HTTP/1.1\r\nHost: h\r\nbad header\r\n\r\n", 400},
             {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
             {"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
             {"POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
             {"GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400},
         }) {
        request_parser p;
        p.feed(c.wire);
        request r;
        EXPECT_EQ(p.next(r), request_parser::state::error) << c.wire;
        EXPECT_EQ(p.error_status(), c.status) << c.wire;
        EXPECT_FALSE(p.error_message().empty());
        EXPECT_EQ(p.next(r), request_parser::state::error) << "stays failed";
    }
}

TEST(RequestParser, EnforcesLimits) {
    request_parser p(parser_limits{.max_header_bytes = 64, .max_body_bytes = 10});
    p.feed("GET /x HTTP/1.1\r\nHost: h\r\nX-Long: " + std::string(100, 'a'));
    request r;
    EXPECT_EQ(p.next(r), request_parser::state::error) << "before the head is complete";
    EXPECT_EQ(p.error_status(), 431);

    request_parser q(parser_limits{.max_header_bytes = 64, .max_body_bytes = 10});
    q.feed("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
    EXPECT_EQ(q.next(r), request_parser::state::error) << "refused before the body arrives";
    EXPECT_EQ(q.error_status(), 413);
}

}  // namespace
}  // namespace cs::http
