#include "streams/golden_case.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/strings.h"

namespace cs::streams::golden {
namespace {

error bad(const std::string& where, const std::string& what) {
    return error{errc::invalid_argument, where + ": " + what};
}

status only_keys(const json& obj, const std::string& where,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& [name, v] : obj.members) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            std::string list;
            for (auto a : allowed) {
                list += (list.empty() ? "" : ", ") + std::string(a);
            }
            return bad(where, "unknown field \"" + name + "\" (allowed: " + list + ")");
        }
    }
    return {};
}

result<std::string> string_field(const json& obj, std::string_view name, const std::string& where,
                                 bool required) {
    const json* v = obj.find(name);
    if (v == nullptr) {
        if (required) {
            return bad(where, "\"" + std::string(name) + "\" is required");
        }
        return std::string();
    }
    if (!v->is_string()) {
        return bad(where, "\"" + std::string(name) + "\" must be a string");
    }
    return v->text;
}

template <typename T>
result<std::optional<T>> int_field(const json& obj, std::string_view name,
                                   const std::string& where) {
    const json* v = obj.find(name);
    if (v == nullptr) {
        return std::optional<T>();
    }
    T n = 0;
    auto [end, ec] = v->k == json::kind::number
                         ? std::from_chars(v->text.data(), v->text.data() + v->text.size(), n)
                         : std::from_chars_result{v->text.data(), std::errc::invalid_argument};
    if (ec != std::errc() || end != v->text.data() + v->text.size()) {
        return bad(where, "\"" + std::string(name) + "\" must be an integer");
    }
    return std::optional<T>(n);
}

result<std::string> from_hex(const std::string& hex, const std::string& where) {
    if (hex.size() % 2 != 0) {
        return bad(where, "hex text has an odd length");
    }
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = hex_digit(hex[i]);
        int lo = hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            return bad(where, "not hex: " + hex);
        }
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

// "key"/"value" (JSON or raw text) or "key_hex"/"value_hex".
result<data> data_field(const json& obj, const std::string& name, const std::string& where) {
    data d;
    const json* v = obj.find(name);
    const json* hex = obj.find(name + "_hex");
    if (v != nullptr && hex != nullptr) {
        return bad(where, "give \"" + name + "\" or \"" + name + "_hex\", not both");
    }
    if (hex != nullptr) {
        if (!hex->is_string()) {
            return bad(where, "\"" + name + "_hex\" must be a string");
        }
        auto bytes = from_hex(hex->text, where);
        if (!bytes) {
            return bytes.err();
        }
        d.null = false;
        d.bytes = std::move(*bytes);
        return d;
    }
    if (v == nullptr || v->is_null()) {
        return d;
    }
    d.null = false;
    if (v->is_string()) {
        d.bytes = v->text;
        return d;
    }
    d.is_json = true;
    d.parsed = *v;
    d.bytes = to_json(*v);
    return d;
}

result<header_list> headers_field(const json& obj, std::string_view name,
                                  const std::string& where) {
    header_list out;
    const json* h = obj.find(name);
    if (h == nullptr) {
        return out;
    }
    auto one = [&](const std::string& k, const json& v) -> status {
        if (!v.is_null() && !v.is_string()) {
            return bad(where, "header \"" + k + "\" must be a string or null");
        }
        out.emplace_back(k, v.is_null() ? std::nullopt : std::optional<std::string>(v.text));
        return {};
    };
    if (h->is_object()) {
        for (const auto& [k, v] : h->members) {
            if (auto st = one(k, v); !st) {
                return st.err();
            }
        }
        return out;
    }
    // [["k", "v"], ...]: repeated keys.
    if (h->is_array()) {
        for (const auto& pair : h->items) {
            if (!pair.is_array() || pair.items.size() != 2 || !pair.items[0].is_string()) {
                return bad(where, "\"" + std::string(name) + "\" items must be [name, value]");
            }
            if (auto st = one(pair.items[0].text, pair.items[1]); !st) {
                return st.err();
            }
        }
        return out;
    }
    return bad(where, "\"" + std::string(name) + "\" must be an object or an array of pairs");
}

result<statement> load_statement(const json& s, const std::string& where) {
    statement st;
    if (s.is_string()) {
        st.sql = s.text;
        return st;
    }
    if (!s.is_object()) {
        return bad(where, "a statement is a string or {\"sql\": ..., \"error\": ...}");
    }
    if (auto k = only_keys(s, where, {"sql", "error"}); !k) {
        return k.err();
    }
    auto sql = string_field(s, "sql", where, true);
    if (!sql) {
        return sql.err();
    }
    st.sql = *sql;
    if (const json* e = s.find("error")) {
        if (e->is_string()) {
            st.errors.push_back(e->text);
        } else if (e->is_array()) {
            for (const auto& item : e->items) {
                if (!item.is_string()) {
                    return bad(where, "\"error\" items must be strings");
                }
                st.errors.push_back(item.text);
            }
        } else {
            return bad(where, "\"error\" must be a string or an array of strings");
        }
    }
    return st;
}

result<input> load_input(const json& r, const std::string& where) {
    if (!r.is_object()) {
        return bad(where, "must be an object");
    }
    if (auto k = only_keys(r, where,
                           {"topic", "key", "key_hex", "value", "value_hex", "headers", "partition",
                            "timestamp", "comment"});
        !k) {
        return k.err();
    }
    input in;
    auto topic = string_field(r, "topic", where, true);
    auto key = data_field(r, "key", where);
    auto value = data_field(r, "value", where);
    auto headers = headers_field(r, "headers", where);
    auto partition = int_field<int32_t>(r, "partition", where);
    auto ts = int_field<int64_t>(r, "timestamp", where);
    for (const error* e : {topic ? nullptr : &topic.err(), key ? nullptr : &key.err(),
                           value ? nullptr : &value.err(), headers ? nullptr : &headers.err(),
                           partition ? nullptr : &partition.err(), ts ? nullptr : &ts.err()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    in.topic = *topic;
    in.key = std::move(*key);
    in.value = std::move(*value);
    in.headers = std::move(*headers);
    in.partition = *partition;
    in.timestamp = *ts;
    return in;
}

result<output> load_output(const json& r, const std::string& where) {
    if (!r.is_object()) {
        return bad(where, "must be an object");
    }
    if (auto k =
            only_keys(r, where,
                      {"topic", "key", "key_hex", "value", "value_hex", "partition", "timestamp",
                       "headers", "headers_contain", "headers_present", "comment"});
        !k) {
        return k.err();
    }
    if (r.find("value") == nullptr && r.find("value_hex") == nullptr) {
        return bad(where, "\"value\" is required (null for a tombstone)");
    }
    output out;
    auto topic = string_field(r, "topic", where, true);
    auto key = data_field(r, "key", where);
    auto value = data_field(r, "value", where);
    auto headers = headers_field(r, "headers", where);
    auto contains = headers_field(r, "headers_contain", where);
    auto partition = int_field<int32_t>(r, "partition", where);
    auto ts = int_field<int64_t>(r, "timestamp", where);
    for (const error* e : {topic ? nullptr : &topic.err(), key ? nullptr : &key.err(),
                           value ? nullptr : &value.err(), headers ? nullptr : &headers.err(),
                           contains ? nullptr : &contains.err(),
                           partition ? nullptr : &partition.err(), ts ? nullptr : &ts.err()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    out.topic = *topic;
    out.key = std::move(*key);
    out.value = std::move(*value);
    out.headers = std::move(*headers);
    for (auto& [k, v] : *contains) {
        if (!v) {
            return bad(where, "\"headers_contain\" values must be strings");
        }
        out.contains.emplace_back(k, *v);
    }
    if (const json* p = r.find("headers_present")) {
        if (!p->is_array()) {
            return bad(where, "\"headers_present\" must be an array of names");
        }
        for (const auto& n : p->items) {
            if (!n.is_string()) {
                return bad(where, "\"headers_present\" must be an array of names");
            }
            out.present.push_back(n.text);
        }
    }
    out.partition = *partition;
    out.timestamp = *ts;
    return out;
}

template <typename T, typename F>
status load_list(const json& doc, std::string_view name, const std::string& file, F load,
                 std::vector<T>& out) {
    const json* list = doc.find(name);
    if (list == nullptr) {
        return {};
    }
    if (!list->is_array()) {
        return bad(file, "\"" + std::string(name) + "\" must be an array");
    }
    for (size_t i = 0; i < list->items.size(); ++i) {
        auto item = load(list->items[i], fmt::format("{}: {}[{}]", file, name, i));
        if (!item) {
            return item.err();
        }
        out.push_back(std::move(*item));
    }
    return {};
}

}  // namespace

result<golden_case> load_case(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{errc::not_found, "cannot read " + path.string()};
    }
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string file = path.filename().string();
    auto doc = parse_json(buf.str());
    if (!doc) {
        return bad(file, doc.err().message);
    }
    if (!doc->is_object()) {
        return bad(file, "the file must hold one JSON object");
    }
    if (auto k =
            only_keys(*doc, file,
                      {"name", "comment", "skip", "statements", "inputs", "outputs", "unordered"});
        !k) {
        return k.err();
    }
    golden_case c;
    c.file = path.stem().string();
    auto name = string_field(*doc, "name", file, true);
    auto skip = string_field(*doc, "skip", file, false);
    if (!name) {
        return name.err();
    }
    if (!skip) {
        return skip.err();
    }
    c.name = *name;
    c.skip = *skip;
    if (auto st = load_list(*doc, "statements", file, load_statement, c.statements); !st) {
        return st.err();
    }
    if (c.statements.empty()) {
        return bad(file, "\"statements\" must list at least one statement");
    }
    if (auto st = load_list(*doc, "inputs", file, load_input, c.inputs); !st) {
        return st.err();
    }
    if (auto st = load_list(*doc, "outputs", file, load_output, c.outputs); !st) {
        return st.err();
    }
    if (const json* u = doc->find("unordered")) {
        for (const auto& t : u->is_array() ? u->items : std::vector<json>{*u}) {
            if (!t.is_string()) {
                return bad(file, "\"unordered\" must be an array of topic names");
            }
            c.unordered.push_back(t.text);
        }
    }
    return c;
}

}  // namespace cs::streams::golden
