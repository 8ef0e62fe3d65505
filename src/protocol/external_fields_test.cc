#include "protocol/external_fields.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "protocol/codec.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/sync_group.h"

namespace cs::kafka {
namespace {

bytes to_bytes(std::string_view s) {
    auto v = as_bytes(s);
    return bytes(v.begin(), v.end());
}

// An unlinked temporary file; its fd lives as long as the object.
struct temp_file {
    explicit temp_file(const bytes& content) {
        f = std::tmpfile();
        std::fwrite(content.data(), 1, content.size(), f);
        std::fflush(f);
    }
    ~temp_file() { std::fclose(f); }
    int fd() const { return fileno(f); }
    std::FILE* f;
};

bytes pattern(size_t n, int seed) {
    bytes b(n);
    for (size_t i = 0; i < n; ++i) {
        b[i] = static_cast<std::byte>((i * 31 + static_cast<size_t>(seed)) & 0xff);
    }
    return b;
}

using partition_data = fetch_response::fetchable_topic_response::partition_data;

partition_data partition(int32_t index, int16_t error) {
    partition_data p;
    p.partition_index = index;
    p.error_code = error;
    p.high_watermark = 1000 + index;
    p.last_stable_offset = 900 + index;
    p.log_start_offset = 7;
    p.preferred_read_replica = -1;
    return p;
}

// A Fetch response whose records come from a file range, from two memory
// chunks, inline, and not at all (error partition, nullopt records) encodes
// to exactly the bytes of the same response with every records field inline.
TEST(ExternalFields, FetchResponseEqualsTheInlineEncodingAtEveryVersion) {
    const bytes file_content = pattern(70000, 1);
    temp_file file(file_content);
    auto mem_a = std::make_shared<const bytes>(pattern(300, 2));
    auto mem_b = std::make_shared<const bytes>(pattern(5, 3));
    const bytes inline_records = pattern(40, 4);

    for (int16_t v = 4; v <= 11; ++v) {
        SCOPED_TRACE("Fetch v" + std::to_string(v));
        fetch_response resp;
        resp.throttle_time_ms = 3;
        resp.session_id = 12;
        auto& t1 = resp.responses.emplace_back();
        t1.topic = "clicks";
        t1.partitions.push_back(partition(0, 0));
        t1.partitions.push_back(partition(1, 0));
        t1.partitions.push_back(partition(2, 0));
        t1.partitions.back().records = inline_records;
        auto& t2 = resp.responses.emplace_back();
        t2.topic = "other";
        t2.partitions.push_back(partition(5, 3));
        t2.partitions.back().records.reset();
        t2.partitions.push_back(partition(6, 0));

        // Expected: everything inline.
        fetch_response full = resp;
        full.responses[0].partitions[0].records =
            bytes(file_content.begin() + 100, file_content.begin() + 65100);
        bytes both = *mem_a;
        both.insert(both.end(), mem_b->begin(), mem_b->end());
        full.responses[0].partitions[1].records = both;
        full.responses[1].partitions[1].records =
            bytes(file_content.begin(), file_content.begin() + 1);
        bytes expected;
        encode_message(full, v, expected);

        external_fields ext;
        ext.add(resp.responses[0].partitions[0].records,
                external_chunk::file_range(nullptr, file.fd(), 100, 65000));
        ext.add(resp.responses[0].partitions[1].records, external_chunk::memory(mem_a));
        ext.add(resp.responses[0].partitions[1].records, external_chunk::memory(mem_b));
        ext.add(resp.responses[1].partitions[1].records,
                external_chunk::file_range(nullptr, file.fd(), 0, 1));
        gather_bytes out;
        encode_message(resp, v, ext, out);

        ASSERT_EQ(out.splices.size(), 4u);
        // Nothing external was copied: inline holds only the framing.
        EXPECT_EQ(out.inline_bytes.size() + 65000 + 305 + 1, expected.size());
        EXPECT_EQ(out.size(), expected.size());
        // Each splice directly follows its int32 length prefix.
        EXPECT_EQ(load_be<int32_t>(out.inline_bytes.data() + out.splices[0].at - 4), 65000);
        EXPECT_EQ(load_be<int32_t>(out.inline_bytes.data() + out.splices[1].at - 4), 305);
        EXPECT_EQ(out.splices[1].at, out.splices[2].at);
        auto flat = out.flatten();
        ASSERT_TRUE(flat.ok()) << flat.err().message;
        EXPECT_EQ(*flat, expected);

        // And it decodes back to the inline response.
        fetch_response decoded;
        ASSERT_TRUE(decode_message(decoded, bytes_view(*flat), v).ok());
        EXPECT_EQ(decoded.responses[0].partitions[0].records,
                  full.responses[0].partitions[0].records);
        EXPECT_FALSE(decoded.responses[1].partitions[0].records.has_value());
    }
}

// In a flexible version the length prefix is a compact (varint) length, and a
// non-optional bytes field can be external too.
TEST(ExternalFields, CompactLengthInFlexibleVersions) {
    auto mem = std::make_shared<const bytes>(pattern(200, 9));
    const int16_t v = 4;  // SyncGroup v4 is flexible
    ASSERT_TRUE(is_flexible(api_key::sync_group, v));
    sync_group_response resp;
    resp.error_code = 0;
    sync_group_response full = resp;
    full.assignment = *mem;
    bytes expected;
    encode_message(full, v, expected);

    external_fields ext;
    ext.add(resp.assignment, external_chunk::memory(mem));
    gather_bytes out;
    encode_message(resp, v, ext, out);
    ASSERT_EQ(out.splices.size(), 1u);
    EXPECT_EQ(out.flatten().value(), expected);
}

TEST(ExternalFields, UnregisteredMessageEncodesAsUsual) {
    fetch_response resp;
    resp.responses.emplace_back().topic = "t";
    resp.responses[0].partitions.push_back(partition(0, 0));
    resp.responses[0].partitions[0].records = to_bytes("inline records");
    bytes expected;
    encode_message(resp, 11, expected);
    gather_bytes out;
    encode_message(resp, 11, external_fields{}, out);
    EXPECT_TRUE(out.splices.empty());
    EXPECT_EQ(out.inline_bytes, expected);
}

}  // namespace
}  // namespace cs::kafka
