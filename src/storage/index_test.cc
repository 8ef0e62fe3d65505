#include <fstream>

#include <gtest/gtest.h>

#include "storage/checkpoint.h"
#include "storage/file_names.h"
#include "storage/offset_index.h"
#include "storage/test_util.h"
#include "storage/time_index.h"

namespace cs::storage {
namespace {

using kafka::offset;
using testing::temp_dir;

TEST(FileNames, SegmentNamesAreTwentyDigits) {
    EXPECT_EQ(file_names::segment_file(offset(1234), file_names::log_suffix),
              "00000000000000001234.log");
    EXPECT_EQ(
        file_names::parse_segment_file("00000000000000001234.index", file_names::index_suffix),
        offset(1234));
    EXPECT_FALSE(file_names::parse_segment_file("1234.log", file_names::log_suffix));
    EXPECT_FALSE(
        file_names::parse_segment_file("0000000000000000123x.log", file_names::log_suffix));
    EXPECT_FALSE(
        file_names::parse_segment_file("00000000000000001234.log.deleted", file_names::log_suffix));
}

TEST(FileNames, PartitionDirSplitsAtLastDash) {
    auto tp = file_names::parse_partition_dir("page-views-12");
    ASSERT_TRUE(tp);
    EXPECT_EQ(tp->topic, "page-views");
    EXPECT_EQ(tp->partition.value(), 12);
    EXPECT_FALSE(file_names::parse_partition_dir("noparts"));
    EXPECT_FALSE(file_names::parse_partition_dir("t-0.17000.deleted"));
    EXPECT_FALSE(file_names::parse_partition_dir("t-"));
    EXPECT_EQ(file_names::partition_dir({"a-b", kafka::partition_id(3)}), "a-b-3");
}

TEST(FileNames, DeletedPartitionDirFitsAFileNameWhateverTheTopic) {
    EXPECT_EQ(file_names::deleted_partition_dir({"clicks", kafka::partition_id(3)}, 1700),
              "clicks-3.1700.deleted");
    const std::string longest(249, 't');  // the longest topic name Kafka allows
    auto name =
        file_names::deleted_partition_dir({longest, kafka::partition_id(123456)}, 1764000000000);
    EXPECT_LE(name.size(), 255u);
    EXPECT_TRUE(name.ends_with("-123456.1764000000000.deleted")) << name;
    EXPECT_TRUE(name.starts_with(std::string(200, 't')));
    // Never mistaken for a live partition at start-up.
    EXPECT_FALSE(file_names::parse_partition_dir(name));
}

TEST(OffsetIndex, AppendLookupAndBigEndianLayout) {
    temp_dir d;
    auto path = d.path() / "00000000000000000100.index";
    {
        auto idx = offset_index::open(path, offset(100), 1024, 100000);
        ASSERT_TRUE(idx.ok()) << idx.err().message;
        EXPECT_FALSE(idx->lookup(offset(150)));
        ASSERT_TRUE(idx->append(offset(110), 4100).ok());
        ASSERT_TRUE(idx->append(offset(130), 8300).ok());
        EXPECT_FALSE(idx->lookup(offset(109)));
        EXPECT_EQ(idx->lookup(offset(110))->position, 4100u);
        EXPECT_EQ(idx->lookup(offset(129))->position, 4100u);
        EXPECT_EQ(idx->lookup(offset(1000))->offset, offset(130));
        EXPECT_EQ(idx->lookup_position(8299)->offset, offset(110));
    }
    // Raw bytes: relative offset 10 then position 4100, big-endian.
    std::ifstream in(path, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(raw.size(), 16u);
    auto b = as_bytes(raw);
    EXPECT_EQ(load_be<int32_t>(b.data()), 10);
    EXPECT_EQ(load_be<uint32_t>(b.data() + 4), 4100u);
    EXPECT_EQ(load_be<int32_t>(b.data() + 8), 30);
}

TEST(OffsetIndex, ReopenKeepsOnlyTheValidPrefix) {
    temp_dir d;
    auto path = d.path() / "x.index";
    {
        auto idx = offset_index::open(path, offset(0), 1024, 100000);
        ASSERT_TRUE(idx->append(offset(5), 100).ok());
        ASSERT_TRUE(idx->append(offset(9), 200).ok());
        ASSERT_TRUE(idx->append(offset(20), 300).ok());
    }
    {
        // Zero-filled tail and a half entry, as after a crash.
        std::ofstream out(path, std::ios::binary | std::ios::app);
        out << std::string(8, '\0') << "abc";
    }
    auto idx = offset_index::open(path, offset(0), 1024, 100000);
    ASSERT_TRUE(idx.ok());
    EXPECT_EQ(idx->entries(), 3u);
    EXPECT_EQ(std::filesystem::file_size(path), 24u);
    // Entries pointing beyond the log are dropped.
    auto shorter = offset_index::open(path, offset(0), 1024, 250);
    EXPECT_EQ(shorter->entries(), 2u);
    ASSERT_TRUE(shorter->truncate_to(offset(9)).ok());
    EXPECT_EQ(shorter->entries(), 1u);
}

TEST(OffsetIndex, FullAtSegmentIndexBytes) {
    temp_dir d;
    auto idx = offset_index::open(d.path() / "y.index", offset(0), 24, 100000);
    EXPECT_FALSE(idx->full());
    ASSERT_TRUE(idx->append(offset(1), 10).ok());
    ASSERT_TRUE(idx->append(offset(2), 20).ok());
    EXPECT_FALSE(idx->full());
    ASSERT_TRUE(idx->append(offset(3), 30).ok());
    EXPECT_TRUE(idx->full());
}

TEST(TimeIndex, LookupBeforeAndMonotonicAppends) {
    temp_dir d;
    auto path = d.path() / "z.timeindex";
    {
        auto t = time_index::open(path, offset(1000), 1024, offset(INT64_MAX));
        ASSERT_TRUE(t.ok());
        ASSERT_TRUE(t->maybe_append(500, offset(1000)).ok());
        ASSERT_TRUE(t->maybe_append(400, offset(1005)).ok());  // not larger: ignored
        ASSERT_TRUE(t->maybe_append(900, offset(1010)).ok());
        EXPECT_EQ(t->entries(), 2u);
        EXPECT_FALSE(t->lookup_before(500));
        EXPECT_EQ(t->lookup_before(501)->offset, offset(1000));
        EXPECT_EQ(t->lookup_before(10'000)->offset, offset(1010));
    }
    std::ifstream in(path, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(raw.size(), 24u);
    auto b = as_bytes(raw);
    EXPECT_EQ(load_be<int64_t>(b.data() + 12), 900);
    EXPECT_EQ(load_be<int32_t>(b.data() + 20), 10);
    auto t = time_index::open(path, offset(1000), 1024, offset(1005));
    EXPECT_EQ(t->entries(), 1u);  // the entry at 1010 is past the log end
}

TEST(Checkpoint, RoundTripAndKafkaFormat) {
    temp_dir d;
    auto path = d.path() / "recovery-point-offset-checkpoint";
    auto empty = read_checkpoint(path);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
    offset_map m;
    m[{"clicks", kafka::partition_id(1)}] = offset(98);
    m[{"clicks", kafka::partition_id(0)}] = offset(1234);
    ASSERT_TRUE(write_checkpoint(path, m).ok());
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, "0\n2\nclicks 0 1234\nclicks 1 98\n");
    auto back = read_checkpoint(path);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, m);

    std::ofstream(path) << "0\n3\nclicks 0 5\n";
    auto bad = read_checkpoint(path);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.err().code, errc::corrupt);
    EXPECT_NE(bad.err().message.find(":4:"), std::string::npos) << bad.err().message;
}

}  // namespace
}  // namespace cs::storage
