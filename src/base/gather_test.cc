#include "base/gather.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace cs {
namespace {

bytes to_bytes(std::string_view s) {
    auto v = as_bytes(s);
    return bytes(v.begin(), v.end());
}

// An unlinked temporary file holding `content`; the fd lives as long as the object.
struct temp_file {
    explicit temp_file(std::string_view content) {
        f = std::tmpfile();
        std::fwrite(content.data(), 1, content.size(), f);
        std::fflush(f);
    }
    ~temp_file() { std::fclose(f); }
    int fd() const { return fileno(f); }
    std::FILE* f;
};

TEST(Gather, FlattenSplicesMemoryAndFileChunksInOrder) {
    temp_file file("0123456789");
    gather_bytes g;
    g.inline_bytes = to_bytes("[ab|cd]");
    auto mem = std::make_shared<const bytes>(to_bytes("MEM"));
    g.splices.push_back({0, external_chunk::memory(mem)});                           // front
    g.splices.push_back({3, external_chunk::file_range(nullptr, file.fd(), 2, 5)});  // "23456"
    g.splices.push_back({3, external_chunk::memory(mem)});                           // same spot
    g.splices.push_back({7, external_chunk::file_range(nullptr, file.fd(), 9, 1)});  // end
    EXPECT_EQ(g.size(), 7u + 3 + 5 + 3 + 1);
    auto flat = g.flatten();
    ASSERT_TRUE(flat.ok()) << flat.err().message;
    EXPECT_EQ(std::string(as_string_view(*flat)), "MEM[ab23456MEM|cd]9");
}

TEST(Gather, FlattenWithoutSplicesIsTheInlineBytes) {
    gather_bytes g;
    g.inline_bytes = to_bytes("plain");
    EXPECT_EQ(g.flatten().value(), to_bytes("plain"));
    EXPECT_EQ(gather_bytes{}.flatten().value(), bytes{});
}

TEST(Gather, FileShorterThanItsChunkIsOutOfRange) {
    temp_file file("short");
    gather_bytes g;
    g.splices.push_back({0, external_chunk::file_range(nullptr, file.fd(), 2, 10)});
    auto flat = g.flatten();
    ASSERT_FALSE(flat.ok());
    EXPECT_EQ(flat.err().code, errc::out_of_range);
}

TEST(Gather, ChunkKeepsItsOwnerAlive) {
    auto mem = std::make_shared<const bytes>(to_bytes("kept"));
    std::weak_ptr<const bytes> watch = mem;
    external_chunk c = external_chunk::memory(std::move(mem));
    EXPECT_FALSE(watch.expired());
    EXPECT_FALSE(c.is_file());
    c = external_chunk{};
    EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace cs
