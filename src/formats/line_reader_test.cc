#include "formats/line_reader.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cs::formats {
namespace {

std::vector<std::string> lines_of(const std::string& text, size_t block) {
    std::istringstream in(text);
    line_reader r(in, block);
    std::vector<std::string> out;
    std::string_view line;
    while (r.next(line)) {
        out.emplace_back(line);
        EXPECT_EQ(r.line_number(), out.size());
    }
    EXPECT_EQ(r.bytes_consumed(), text.size());
    return out;
}

using strings = std::vector<std::string>;

TEST(LineReader, SplitsOnLfAndDropsTheCrOfCrlf) {
    for (size_t block : {1, 2, 3, 5, 64, 1 << 20}) {
        EXPECT_EQ(lines_of("a\nbb\r\n\nccc", block), (strings{"a", "bb", "", "ccc"})) << block;
        EXPECT_EQ(lines_of("x\n", block), (strings{"x"})) << block;
        EXPECT_EQ(lines_of("", block), (strings{})) << block;
        EXPECT_EQ(lines_of("\n\n", block), (strings{"", ""})) << block;
    }
}

TEST(LineReader, LinesLongerThanTheBlockGrowTheBuffer) {
    std::string longline(10000, 'x');
    EXPECT_EQ(lines_of("s\n" + longline + "\nt\n", 16), (strings{"s", longline, "t"}));
}

TEST(LineReader, EveryLineIsFollowedByPadding) {
    std::istringstream in("abc\ndef");
    line_reader r(in, 4);
    std::string_view line;
    while (r.next(line)) {
        // Reading padding bytes past the end must stay inside the buffer
        // (ASan would flag it otherwise).
        volatile char sink = 0;
        for (size_t i = 0; i < line_reader::padding; ++i) {
            sink = static_cast<char>(sink ^ line.data()[line.size() + i]);
        }
        (void)sink;
    }
}

TEST(LineReader, LinesAreHandedOutAsTheSourceDeliversThem) {
    // A pipe: each read returns what has been written so far.
    std::vector<std::string> chunks = {"first\nsec", "ond\n", "third"};
    size_t calls = 0;
    line_reader r([&](char* buf, size_t n) -> size_t {
        if (calls == chunks.size()) {
            return 0;
        }
        const std::string& c = chunks[calls++];
        EXPECT_LE(c.size(), n);
        c.copy(buf, c.size());
        return c.size();
    });
    std::string_view line;
    ASSERT_TRUE(r.next(line));
    EXPECT_EQ(line, "first");
    EXPECT_EQ(calls, 1u);  // not waiting for a full block
    ASSERT_TRUE(r.next(line));
    EXPECT_EQ(line, "second");
    EXPECT_EQ(calls, 2u);
    ASSERT_TRUE(r.next(line));
    EXPECT_EQ(line, "third");
    EXPECT_FALSE(r.next(line));
}

}  // namespace
}  // namespace cs::formats
