#include "config/env_substitution.h"

#include <map>

#include <gtest/gtest.h>

namespace cs::config {
namespace {

env_lookup fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

TEST(EnvSubstitution, ReplacesVariablesAndDefaults) {
    auto env = fake_env({{"HOST", "kafka1"}, {"EMPTY", ""}, {"PASS", "s3cret"}});
    EXPECT_EQ(substitute_env("${HOST}:9092", env).value(), "kafka1:9092");
    EXPECT_EQ(substitute_env("${MISSING:-localhost}:${PORT:-9092}", env).value(), "localhost:9092");
    EXPECT_EQ(substitute_env("${EMPTY:-fallback}", env).value(), "fallback");
    EXPECT_EQ(substitute_env("${HOST:-other}", env).value(), "kafka1");
    EXPECT_EQ(substitute_env("${MISSING:-}", env).value(), "");
    EXPECT_EQ(substitute_env("a${PASS}b${HOST}c", env).value(), "as3cretbkafka1c");
}

TEST(EnvSubstitution, LiteralDollars) {
    auto env = fake_env({{"HOME", "/home/x"}});
    EXPECT_EQ(substitute_env("$${HOME}", env).value(), "${HOME}");
    EXPECT_EQ(substitute_env("cost $5 and $HOME", env).value(), "cost $5 and $HOME");
    EXPECT_EQ(substitute_env("$$", env).value(), "$$");
    EXPECT_EQ(substitute_env("x$", env).value(), "x$");
    // Substituted text is not scanned again.
    auto env2 = fake_env({{"A", "${B}"}, {"B", "no"}});
    EXPECT_EQ(substitute_env("${A}", env2).value(), "${B}");
}

TEST(EnvSubstitution, Errors) {
    auto env = fake_env({});
    auto unset = substitute_env("${SECRET}", env);
    ASSERT_FALSE(unset.ok());
    EXPECT_NE(unset.err().message.find("SECRET"), std::string::npos);
    EXPECT_FALSE(substitute_env("${UNCLOSED", env).ok());
    EXPECT_FALSE(substitute_env("${}", env).ok());
    EXPECT_FALSE(substitute_env("${1BAD}", env).ok());
    EXPECT_FALSE(substitute_env("${A B}", env).ok());
}

TEST(EnvSubstitution, FileErrorsNameFileLineKeyAndVariable) {
    diagnostics d;
    auto props = parse_properties("a=${X}\nsasl.password=${DB_PASSWORD}\nc=${Y:-y}\n",
                                  "producer.properties", d);
    substitute_env(props, fake_env({{"X", "x"}}), d);
    EXPECT_EQ(props.find("a")->value, "x");
    EXPECT_EQ(props.find("c")->value, "y");
    EXPECT_EQ(props.find("sasl.password"), nullptr);  // never half-substituted
    ASSERT_EQ(d.items().size(), 1u);
    const auto& diag = d.items()[0];
    EXPECT_EQ(diag.level, severity::error);
    EXPECT_EQ(diag.file, "producer.properties");
    EXPECT_EQ(diag.line, 2);
    EXPECT_NE(diag.message.find("sasl.password"), std::string::npos);
    EXPECT_NE(diag.message.find("DB_PASSWORD"), std::string::npos);
    EXPECT_EQ(diag.to_string().rfind("producer.properties:2: error: sasl.password:", 0), 0u);
}

TEST(EnvSubstitution, ProcessEnvironmentReadsGetenv) {
    // PATH is set in any environment that runs tests.
    auto env = process_environment();
    EXPECT_TRUE(env("PATH").has_value());
    EXPECT_FALSE(env("CS_CONFIG_TEST_SURELY_UNSET_VARIABLE").has_value());
}

}  // namespace
}  // namespace cs::config
