#include "config/docs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/broker_registry.h"
#include "config/topic_registry.h"

namespace cs::config {
namespace {

std::string valid_text(const property_def& def) {
    switch (def.type) {
        case value_type::int32:
        case value_type::int64:
        case value_type::float64:
            if (def.min || def.max) {
                // expectation() says "an integer (int) in [a, b]"; keep the range.
                std::string e = expectation(def);
                return fmt::format("`{}`", e.substr(e.find('[')));
            }
            return "";
        case value_type::string:
        case value_type::list:
            if (!def.valid_values.empty()) {
                std::vector<std::string> quoted;
                for (const auto& v : def.valid_values) {
                    quoted.push_back(fmt::format("`{}`", v));
                }
                return fmt::format("{}{}", def.type == value_type::list ? "any of " : "one of ",
                                   fmt::join(quoted, ", "));
            }
            return "";
        default:
            return "";
    }
}

std::string default_text(const property_def& def) {
    if (!def.default_value) {
        return "null (unset)";
    }
    if (def.default_value->empty()) {
        return "\"\" (empty)";
    }
    return fmt::format("`{}`", *def.default_value);
}

std::string synonyms_text(const property_def& def) {
    std::vector<std::string> parts;
    for (const auto& s : def.synonyms) {
        if (s.scale == 1) {
            parts.push_back(fmt::format("`{}`", s.name));
        } else {
            parts.push_back(fmt::format("`{}` (× {})", s.name, s.scale));
        }
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string render_registry_docs(const registry& reg, const std::string& title,
                                 const std::string& intro) {
    std::string out = fmt::format("## {}\n\n{}\n\n", title, intro);
    out += "| key | type | default | restart |\n|---|---|---|---|\n";
    for (const auto& def : reg.properties()) {
        out += fmt::format(
            "| [`{}`](#{}-{}) | {} | {} | {} |\n", def.name, reg.scope(),
            [&] {
                std::string anchor = def.name;
                for (char& c : anchor) {
                    if (c == '.') {
                        c = '-';
                    }
                }
                return anchor;
            }(),
            type_name(def.type), default_text(def), def.dynamic ? "dynamic" : "restart");
    }
    out += "\n";
    for (const auto& def : reg.properties()) {
        std::string anchor = def.name;
        for (char& c : anchor) {
            if (c == '.') {
                c = '-';
            }
        }
        out += fmt::format("### <a id=\"{}-{}\"></a>`{}`\n\n{}\n\n", reg.scope(), anchor, def.name,
                           def.doc);
        out += fmt::format("- type: {}\n", type_name(def.type));
        out += fmt::format("- default: {}\n", default_text(def));
        if (std::string v = valid_text(def); !v.empty()) {
            out += fmt::format("- valid values: {}\n", v);
        }
        out += fmt::format("- update: {}\n",
                           def.dynamic ? "dynamic in Kafka (no restart)" : "needs a restart");
        if (!def.synonyms.empty()) {
            out += fmt::format("- synonyms: {}\n", synonyms_text(def));
        }
        switch (def.on_single_node) {
            case single_node::used:
                break;
            case single_node::ignored:
                out +=
                    fmt::format("- single node: accepted and ignored; {}\n", def.single_node_note);
                break;
            case single_node::capped_at_one:
                out += fmt::format("- single node: values above 1 are capped at 1; {}\n",
                                   def.single_node_note);
                break;
        }
        out += "\n";
    }
    return out;
}

std::string render_docs() {
    std::string out = R"(# Configuration reference

<!-- Generated from the registries in src/config by `clickstream config docs`.
     Do not edit: regenerate with `clickstream config docs > docs/configuration.md`. -->

clickstream reads Kafka's configuration files unchanged: `server.properties`
for the broker, and `producer.properties` / `consumer.properties` for the
tools. Keys, types, defaults and bounds are Kafka's; where a key means nothing
on clickstream's single node, this reference says so.

Check a file without starting anything:

```
clickstream config check server.properties            # broker keys
clickstream config check topic.properties --scope topic
```

Problems are reported like a compiler's (`file:line: error: ...`) and the
command exits with 1 when there is an error. Unknown keys are warnings with a
suggestion when a known key is close.

## File syntax

Files are read as Java's `Properties.load` reads them:

- `#` or `!` as the first non-blank character starts a comment line.
- The key ends at the first unescaped `=`, `:` or whitespace; blanks around the
  separator are skipped (`a=b`, `a = b`, `a:b` and `a b` are the same).
- A line ending in an odd number of backslashes continues on the next line;
  the next line's leading whitespace is dropped.
- Escapes: `\t`, `\n`, `\r`, `\f`, `\uXXXX`, and `\` before any other
  character stands for that character (`\=`, `\:`, `\ `, `\#`, `\\`).
- A key set twice keeps the later value (with a warning).

## Environment variables

Values (not keys) may refer to the environment, so secrets stay out of files:

- `${NAME}` is replaced by the variable's value; an unset variable is an error
  naming the file, line, key and variable.
- `${NAME:-default}` uses `default` when the variable is unset or empty.
- `$${` writes a literal `${` (`$${HOME}` stays `${HOME}`); any other `$` is
  literal.

## Client files

`producer.properties` and `consumer.properties` (`--producer.config`,
`--consumer.config`) are read with the same reader and the same `${NAME}`
substitution, then handed to librdkafka, which checks its own keys. They have
no registry here.

One default differs from librdkafka's: with librdkafka before 2.1 (Debian 12
ships 2.0.2), clickstream's consumers (tools, tables, queries, Connect sinks)
use `queued.min.messages=500000` unless you set it. At librdkafka's 100000 a
consumer that processes faster than that per second but slower than it
fetches stops fetching each time its queue fills and starts again only when
librdkafka's broker thread next wakes, up to a second later (2.1 made that
wait `fetch.queue.backoff.ms`); such a consumer ran at ~130k records/s.
`queued.max.messages.kbytes` still bounds the memory.

)";
    out += render_registry_docs(
        broker_registry(), "Broker properties (server.properties)",
        "Topic-level keys with a broker synonym take the broker value as their default; see "
        "the topic section. `update` says whether Kafka changes the key without a restart; "
        "clickstream reads the broker file at startup.");
    out += render_registry_docs(
        topic_registry(), "Topic properties",
        "Set per topic at creation (CreateTopics configs) or later (AlterConfigs). A topic key "
        "that a topic does not set takes its value from the first of its broker synonyms that "
        "the broker file sets, else from the broker default (× converts the synonym's unit).");
    while (out.ends_with("\n\n")) {
        out.pop_back();
    }
    return out;
}

}  // namespace cs::config
