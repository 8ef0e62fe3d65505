#include "tools/generate/dimensions.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "formats/json_writer.h"

namespace cs::tools::gen {
namespace {

void csv_field(std::string& out, std::string_view v) {
    if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

void csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
        if (!first) {
            out += ',';
        }
        first = false;
        csv_field(out, f);
    }
    out += '\n';
}

std::string price_text(int64_t cents) {
    return cents < 0 ? std::string() : fmt::format("{}.{:02}", cents / 100, cents % 100);
}

status write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (f) {
        f.write(text.data(), static_cast<std::streamsize>(text.size()));
        f.close();
    }
    if (!f) {
        return {errc::io, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno))};
    }
    return {};
}

}  // namespace

std::string users_csv(const population& p) {
    std::string out;
    csv_row(out, {"user_id", "user_name", "email", "country", "signup_date"});
    for (const auto& u : p.users) {
        csv_row(out, {u.id, u.name, u.email, u.country, u.signup_date});
    }
    return out;
}

std::string devices_csv(const population& p) {
    std::string out;
    csv_row(out, {"device_id", "user_id", "device_type", "os", "browser"});
    for (const auto& d : p.devices) {
        csv_row(out, {d.id, p.users[d.user].id, d.type, d.os, d.browser});
    }
    return out;
}

std::string urls_csv(const population& p) {
    std::string out;
    csv_row(out, {"url", "url_category", "section", "price"});
    for (const auto& u : p.urls) {
        csv_row(out, {u.url, u.category, u.section, price_text(u.price_cents)});
    }
    return out;
}

std::string users_jsonl(const population& p) {
    std::string out;
    for (const auto& u : p.users) {
        formats::json_object_writer w(out);
        w.string("user_id", u.id)
            .string("user_name", u.name)
            .string("email", u.email)
            .string("country", u.country)
            .string("signup_date", u.signup_date);
        w.close();
        out += '\n';
    }
    return out;
}

std::string devices_jsonl(const population& p) {
    std::string out;
    for (const auto& d : p.devices) {
        formats::json_object_writer w(out);
        w.string("device_id", d.id)
            .string("user_id", p.users[d.user].id)
            .string("device_type", d.type)
            .string("os", d.os)
            .string("browser", d.browser);
        w.close();
        out += '\n';
    }
    return out;
}

std::string urls_jsonl(const population& p) {
    std::string out;
    for (const auto& u : p.urls) {
        formats::json_object_writer w(out);
        w.string("url", u.url).string("url_category", u.category).string("section", u.section);
        if (u.price_cents < 0) {
            w.null("price");
        } else {
            w.raw("price", price_text(u.price_cents));
        }
        w.close();
        out += '\n';
    }
    return out;
}

status write_dimensions(const population& p, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return {errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message())};
    }
    struct file {
        const char* name;
        std::string (*render)(const population&);
    };
    for (const file& f : {file{"users.csv", users_csv}, file{"users.jsonl", users_jsonl},
                          file{"devices.csv", devices_csv}, file{"devices.jsonl", devices_jsonl},
                          file{"urls.csv", urls_csv}, file{"urls.jsonl", urls_jsonl}}) {
        if (status s = write_file(dir / f.name, f.render(p)); !s) {
            return s;
        }
    }
    return {};
}

}  // namespace cs::tools::gen
