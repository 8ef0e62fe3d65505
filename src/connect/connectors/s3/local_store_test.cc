#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connect/connectors/s3/object_store.h"
#include "testing/temp_dir.h"

namespace cs::connect::s3 {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
    cs::testing::temp_dir dir{"cs-s3-store"};
    fs::path path = dir.path();
};

TEST(S3LocalStore, PutListGet) {
    temp_dir d;
    auto s = open_local_store(d.path.string());
    ASSERT_TRUE(s) << s.err().message;
    ASSERT_TRUE((*s)->put_object("topics/t/partition=0/t+0+0000000000.json", as_bytes("a\n")));
    ASSERT_TRUE((*s)->put_object("topics/t/partition=1/t+1+0000000005.json", as_bytes("b\n")));
    ASSERT_TRUE((*s)->put_object("topics/t/partition=0/t+0+0000000000.json", as_bytes("c\n")));
    auto keys = (*s)->list("topics/t/");
    ASSERT_TRUE(keys);
    EXPECT_EQ(*keys, (std::vector<std::string>{"topics/t/partition=0/t+0+0000000000.json",
                                               "topics/t/partition=1/t+1+0000000005.json"}));
    EXPECT_EQ(*(*s)->get_object("topics/t/partition=0/t+0+0000000000.json"), "c\n");
    EXPECT_EQ((*s)->get_object("topics/none").err().code, errc::not_found);
    // No temporaries are left behind.
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(d.path)) {
        files += e.is_regular_file() ? 1 : 0;
    }
    EXPECT_EQ(files, 2U);
}

TEST(S3LocalStore, RejectsKeysOutsideTheRoot) {
    temp_dir d;
    auto s = open_local_store(d.path.string());
    EXPECT_FALSE((*s)->put_object("../escape", as_bytes("x")));
    EXPECT_FALSE((*s)->put_object("/abs", as_bytes("x")));
    EXPECT_FALSE((*s)->put_object("a/.hidden", as_bytes("x")));
    EXPECT_FALSE((*s)->put_object("dir/", as_bytes("x")));
}

TEST(S3LocalStore, MultipartBecomesVisibleOnlyOnComplete) {
    temp_dir d;
    auto s = open_local_store(d.path.string());
    auto id = (*s)->create_multipart("k/obj");
    ASSERT_TRUE(id);
    auto e1 = (*s)->upload_part("k/obj", *id, 1, as_bytes("hello "));
    auto e2 = (*s)->upload_part("k/obj", *id, 2, as_bytes("world"));
    ASSERT_TRUE(e1 && e2);
    EXPECT_TRUE((*s)->list("")->empty());
    ASSERT_TRUE((*s)->complete_multipart("k/obj", *id, {*e1, *e2}));
    EXPECT_EQ(*(*s)->get_object("k/obj"), "hello world");
    EXPECT_EQ(*(*s)->list(""), std::vector<std::string>{"k/obj"});

    auto aborted = (*s)->create_multipart("k/gone");
    ASSERT_TRUE((*s)->upload_part("k/gone", *aborted, 1, as_bytes("x")));
    ASSERT_TRUE((*s)->abort_multipart("k/gone", *aborted));
    EXPECT_FALSE((*s)->complete_multipart("k/gone", *aborted, {"1"}));
    EXPECT_EQ((*s)->list("")->size(), 1U);
}

TEST(S3LocalStore, UploadObjectSplitsIntoParts) {
    temp_dir d;
    auto s = open_local_store(d.path.string());
    std::string big(10'000, 'x');
    for (size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<char>('a' + i % 26);
    }
    ASSERT_TRUE(upload_object(**s, "big", as_bytes(big), 3000));
    ASSERT_TRUE(upload_object(**s, "small", as_bytes(std::string_view("tiny")), 3000));
    EXPECT_EQ(*(*s)->get_object("big"), big);
    EXPECT_EQ(*(*s)->get_object("small"), "tiny");
}

// A worker killed while writing leaves a hidden temporary (or an upload
// directory); the next process to write next to it removes it, and only
// those of processes that no longer run.
TEST(S3LocalStore, LeftoversOfDeadWritersAreRemoved) {
    temp_dir d;
    pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    ASSERT_GT(child, 0);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    const std::string dead = std::to_string(child);
    const std::string me = std::to_string(::getpid());
    auto touch = [](const fs::path& p) {
        fs::create_directories(p.parent_path());
        std::ofstream(p) << "partial";
    };
    const fs::path dir = d.path / "topics" / "clicks";
    touch(dir / (".a.parquet.tmp-" + dead + "-3"));
    touch(dir / (".a.parquet.tmp-" + me + "-9"));  // this process's own
    touch(dir / ".a.parquet.tmp-1-2");             // pid 1 runs
    touch(dir / ".keep");
    touch(d.path / ".multipart" / (dead + "-1") / "1");
    touch(d.path / ".multipart" / (me + "-77") / "1");

    auto s = open_local_store(d.path.string());
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->put_object("topics/clicks/b.parquet", as_bytes("x")).ok());
    EXPECT_FALSE(fs::exists(dir / (".a.parquet.tmp-" + dead + "-3")));
    EXPECT_TRUE(fs::exists(dir / (".a.parquet.tmp-" + me + "-9")));
    EXPECT_TRUE(fs::exists(dir / ".a.parquet.tmp-1-2"));
    EXPECT_TRUE(fs::exists(dir / ".keep"));
    EXPECT_TRUE(fs::exists(dir / "b.parquet"));

    ASSERT_TRUE((*s)->create_multipart("topics/clicks/c.parquet").ok());
    EXPECT_FALSE(fs::exists(d.path / ".multipart" / (dead + "-1")));
    EXPECT_TRUE(fs::exists(d.path / ".multipart" / (me + "-77")));
}

}  // namespace
}  // namespace cs::connect::s3
