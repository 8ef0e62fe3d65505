#include "tools/consume_format.h"

#include <gtest/gtest.h>

namespace cs::tools {
namespace {

TEST(RecordFormat, DefaultsAreKafkas) {
    auto f = parse_record_format("default", {});
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->kind, record_format::style::kafka_default);
    EXPECT_FALSE(f->print_timestamp || f->print_partition || f->print_offset || f->print_headers ||
                 f->print_key);
    EXPECT_TRUE(f->print_value);
    EXPECT_EQ(f->key_separator, "\t");
    EXPECT_EQ(f->line_separator, "\n");
    EXPECT_EQ(f->headers_separator, ",");
    EXPECT_EQ(f->headers_key_separator, ":");
    EXPECT_EQ(f->null_literal, "null");
}

TEST(RecordFormat, BooleansAreTrueOnlyForTrueInAnyCase) {
    auto f = parse_record_format(
        "org.apache.kafka.tools.consumer.DefaultMessageFormatter",
        {"print.key= TRUE ", "print.offset=yes", "print.value=False", "key.separator=a=b"});
    ASSERT_TRUE(f.ok());
    EXPECT_TRUE(f->print_key);
    EXPECT_FALSE(f->print_offset);
    EXPECT_FALSE(f->print_value);
    EXPECT_EQ(f->key_separator, "a=b");  // only the first '=' splits
}

TEST(RecordFormat, JavaDeserializersAreAcceptedUnknownKeysAreNot) {
    EXPECT_TRUE(
        parse_record_format("json", {"key.deserializer=org.apache.kafka.common.serialization."
                                     "StringDeserializer"})
            .ok());
    auto bad = parse_record_format("default", {"print.keys=true"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.err().message.find("print.keys"), std::string::npos);
    EXPECT_FALSE(parse_record_format("default", {"print.key"}).ok());
    EXPECT_FALSE(parse_record_format("avro", {}).ok());
}

}  // namespace
}  // namespace cs::tools
