#include "config/docs.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "config/broker_registry.h"
#include "config/topic_registry.h"

namespace cs::config {
namespace {

TEST(Docs, MentionsEveryKeyWithItsFacts) {
    std::string md = render_docs();
    for (const registry* reg : {&broker_registry(), &topic_registry()}) {
        for (const auto& def : reg->properties()) {
            EXPECT_NE(md.find("`" + def.name + "`"), std::string::npos) << def.name;
            EXPECT_NE(md.find(def.doc), std::string::npos) << def.name;
        }
    }
    EXPECT_NE(md.find("- valid values: `[14, 2147483647]`"), std::string::npos);
    EXPECT_NE(md.find("single node: accepted and ignored; clickstream is a single node that "
                      "keeps its metadata itself; there is no ZooKeeper"),
              std::string::npos);
    EXPECT_NE(md.find("- synonyms: `log.retention.ms`, `log.retention.minutes` (× 60000), "
                      "`log.retention.hours` (× 3600000)"),
              std::string::npos);
    EXPECT_NE(md.find("$${"), std::string::npos);
}

// docs/configuration.md is generated; this fails when it is stale. The test
// runs from the source root (cs_tests sets the working directory).
TEST(Docs, CheckedInReferenceIsUpToDate) {
    std::ifstream in("docs/configuration.md", std::ios::binary);
    ASSERT_TRUE(in) << "docs/configuration.md is missing; generate it with: "
                       "clickstream config docs > docs/configuration.md";
    std::stringstream buf;
    buf << in.rdbuf();
    EXPECT_TRUE(buf.str() == render_docs())
        << "docs/configuration.md is stale; regenerate it with: "
           "clickstream config docs > docs/configuration.md";
}

}  // namespace
}  // namespace cs::config
