#include "base/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "base/civil_time.h"

namespace cs {

// The parsed contents of a TZif file (RFC 8536): transition instants with
// the UTC offset in effect from each, and the footer's POSIX rule for
// instants after the last transition.
struct time_zone::transitions {
    std::string id;
    std::vector<int64_t> at;       // ascending, seconds since the epoch
    std::vector<int32_t> offsets;  // offsets[i] in effect from at[i]
    int32_t initial = 0;           // before the first transition
    // POSIX TZ footer ("CET-1CEST,M3.5.0,M10.5.0/3"); has_dst false: std only.
    bool has_footer = false;
    int32_t std_offset = 0;
    bool has_dst = false;
    int32_t dst_offset = 0;
    struct rule {
        int32_t month = 0, week = 0, weekday = 0;  // Mm.w.d
        int32_t time = 7200;                       // seconds after local midnight
    } dst_start, dst_end;
};

namespace {

using transitions = time_zone::transitions;

uint32_t be32(const unsigned char* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
           static_cast<uint32_t>(p[2]) << 8 | p[3];
}

int64_t be64(const unsigned char* p) {
    return static_cast<int64_t>(static_cast<uint64_t>(be32(p)) << 32 | be32(p + 4));
}

// Parses "[+-]hh[:mm[:ss]]" (POSIX: positive means west of Greenwich).
bool posix_offset(std::string_view& s, int32_t& out) {
    int32_t sign = 1;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        s.remove_prefix(1);
    }
    int32_t parts[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
        if (s.empty() || s[0] < '0' || s[0] > '9') {
            return i > 0;
        }
        int32_t n = 0;
        while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
            n = n * 10 + (s[0] - '0');
            s.remove_prefix(1);
        }
        parts[i] = n;
        out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
        if (s.empty() || s[0] != ':') {
            return true;
        }
        s.remove_prefix(1);
    }
    return true;
}

bool posix_name(std::string_view& s) {
    if (!s.empty() && s[0] == '<') {
        const size_t close = s.find('>');
        if (close == std::string_view::npos) {
            return false;
        }
        s.remove_prefix(close + 1);
        return true;
    }
    size_t n = 0;
    while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) {
        ++n;
    }
    s.remove_prefix(n);
    return n >= 3;
}

bool posix_rule(std::string_view& s, transitions::rule& r) {
    if (s.empty() || s[0] != 'M') {
        return false;  // Julian-day rules (Jn, n) are not used by current tzdata zones
    }
    s.remove_prefix(1);
    int32_t* fields[] = {&r.month, &r.week, &r.weekday};
    for (int i = 0; i < 3; ++i) {
        int32_t n = 0;
        if (s.empty() || s[0] < '0' || s[0] > '9') {
            return false;
        }
        while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
            n = n * 10 + (s[0] - '0');
            s.remove_prefix(1);
        }
        *fields[i] = n;
        if (i < 2) {
            if (s.empty() || s[0] != '.') {
                return false;
            }
            s.remove_prefix(1);
        }
    }
    r.time = 7200;
    if (!s.empty() && s[0] == '/') {
        s.remove_prefix(1);
        if (!posix_offset(s, r.time)) {
            return false;
        }
    }
    return r.month >= 1 && r.month <= 12 && r.week >= 1 && r.week <= 5 && r.weekday <= 6;
}

void parse_footer(std::string_view s, transitions& z) {
    int32_t std_west = 0;
    if (!posix_name(s) || !posix_offset(s, std_west)) {
        return;
    }
    z.has_footer = true;
    z.std_offset = -std_west;
    if (s.empty()) {
        return;
    }
    if (!posix_name(s)) {
        z.has_footer = false;
        return;
    }
    z.dst_offset = z.std_offset + 3600;
    if (!s.empty() && s[0] != ',') {
        int32_t dst_west = 0;
        if (!posix_offset(s, dst_west)) {
            z.has_footer = false;
            return;
        }
        z.dst_offset = -dst_west;
    }
    if (s.empty() || s[0] != ',') {
        z.has_footer = false;
        return;
    }
    s.remove_prefix(1);
    if (!posix_rule(s, z.dst_start) || s.empty() || s[0] != ',') {
        z.has_footer = false;
        return;
    }
    s.remove_prefix(1);
    if (!posix_rule(s, z.dst_end)) {
        z.has_footer = false;
        return;
    }
    z.has_dst = true;
}

// Local seconds (as if UTC) of a rule's moment in `year`.
int64_t rule_local(const transitions::rule& r, int64_t year) {
    const int64_t first = civil::days_from_civil(year, r.month, 1);
    // POSIX weekday: 0 = Sunday; civil::weekday: 0 = Monday.
    const int32_t first_wd = (civil::weekday(first) + 1) % 7;
    int64_t day = first + (r.weekday - first_wd + 7) % 7 + (r.week - 1) * 7;
    const int64_t dim = civil::days_in_month(year, r.month);
    while (day - first >= dim) {
        day -= 7;
    }
    return day * 86400 + r.time;
}

int32_t footer_offset(const transitions& z, int64_t t) {
    if (!z.has_dst) {
        return z.std_offset;
    }
    const int64_t year = civil::civil_from_days(civil::floor_div(t + z.std_offset, 86400)).year;
    // Start is given in standard local time, end in daylight local time.
    const int64_t start = rule_local(z.dst_start, year) - z.std_offset;
    const int64_t end = rule_local(z.dst_end, year) - z.dst_offset;
    const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? z.dst_offset : z.std_offset;
}

result<std::shared_ptr<const transitions>> load_tzif(const std::string& id) {
    auto bad = [&](std::string_view why) {
        return error{errc::invalid_argument, fmt::format("Unknown time zone '{}': {}", id, why)};
    };
    std::ifstream in("/usr/share/zoneinfo/" + id, std::ios::binary);
    if (!in) {
        return bad("no such zone");
    }
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    size_t size = data.size();
    if (size < 44 || data.compare(0, 4, "TZif") != 0) {
        return bad("not a TZif file");
    }
    const char version = data[4];
    auto counts = [&](const unsigned char* h, uint32_t c[6]) {
        for (int i = 0; i < 6; ++i) {
            c[i] = be32(h + 20 + 4 * i);
        }
    };
    uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    counts(p, c);
    size_t time_size = 4;
    size_t block = 44;
    auto block_len = [&](size_t ts) {
        return c[3] * ts + c[3] + c[4] * 6 + c[5] + c[2] * (ts + 4) + c[1] + c[0];
    };
    if (version >= '2') {
        // Skip the 32-bit block; use the 64-bit one that follows.
        const size_t v1 = block_len(4);
        if (44 + v1 + 44 > size) {
            return bad("truncated");
        }
        block = 44 + v1 + 44;
        counts(p + 44 + v1, c);
        time_size = 8;
    }
    if (block + block_len(time_size) > size) {
        return bad("truncated");
    }
    auto z = std::make_shared<transitions>();
    z->id = id;
    const unsigned char* times = p + block;
    const unsigned char* idx = times + c[3] * time_size;
    const unsigned char* types = idx + c[3];
    std::vector<int32_t> type_offsets(c[4]);
    for (uint32_t i = 0; i < c[4]; ++i) {
        type_offsets[i] = static_cast<int32_t>(be32(types + 6 * i));
    }
    if (type_offsets.empty()) {
        return bad("no local time types");
    }
    z->initial = type_offsets[0];
    for (uint32_t i = 0; i < c[3]; ++i) {
        const int64_t t =
            time_size == 8 ? be64(times + 8 * i) : static_cast<int32_t>(be32(times + 4 * i));
        if (idx[i] >= type_offsets.size()) {
            return bad("bad type index");
        }
        z->at.push_back(t);
        z->offsets.push_back(type_offsets[idx[i]]);
    }
    if (version >= '2') {
        const size_t footer = block + block_len(time_size);
        if (footer < size && data[footer] == '\n') {
            const size_t end = data.find('\n', footer + 1);
            if (end != std::string::npos) {
                parse_footer(std::string_view(data).substr(footer + 1, end - footer - 1), *z);
            }
        }
    }
    return std::shared_ptr<const transitions>(std::move(z));
}

// "+02:00", "-0530", "+2", "+02:30:15"; false when not an offset.
bool parse_fixed(std::string_view s, int32_t& out) {
    if (s.empty() || (s[0] != '+' && s[0] != '-')) {
        return false;
    }
    const int32_t sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    std::string digits;
    for (char ch : s) {
        if (ch >= '0' && ch <= '9') {
            digits += ch;
        } else if (ch != ':') {
            return false;
        }
    }
    int32_t h = 0, m = 0, sec = 0;
    switch (digits.size()) {
        case 1:
        case 2:
            h = std::stoi(digits);
            break;
        case 4:
            h = std::stoi(digits.substr(0, 2));
            m = std::stoi(digits.substr(2, 2));
            break;
        case 6:
            h = std::stoi(digits.substr(0, 2));
            m = std::stoi(digits.substr(2, 2));
            sec = std::stoi(digits.substr(4, 2));
            break;
        default:
            return false;
    }
    if (h > 18 || m > 59 || sec > 59) {
        return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return std::abs(out) <= 18 * 3600;
}

bool valid_region(std::string_view id) {
    if (id.empty() || id[0] == '/' || id.find("..") != std::string_view::npos) {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' ||
               ch == '-' || ch == '+';
    });
}

}  // namespace

// UTC handles share one id string, so time_zone::utc() never allocates.
time_zone::time_zone() {
    static const auto utc_id = std::make_shared<const std::string>("UTC");
    id_ = utc_id;
}

time_zone time_zone::fixed(int32_t offset_seconds) {
    time_zone z;
    z.fixed_offset_ = offset_seconds;
    if (offset_seconds != 0) {
        const int32_t a = std::abs(offset_seconds);
        std::string id =
            fmt::format("{}{:02}:{:02}", offset_seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        if (a % 60 != 0) {
            id += fmt::format(":{:02}", a % 60);
        }
        z.id_ = std::make_shared<const std::string>(std::move(id));
    }
    return z;
}

result<time_zone> time_zone::find(std::string_view id) {
    if (id == "UTC" || id == "Z" || id == "GMT" || id == "UT" || id == "Etc/UTC") {
        time_zone z;
        z.id_ = std::make_shared<const std::string>(id == "Z" ? "UTC" : std::string(id));
        return z;
    }
    int32_t offset = 0;
    if (parse_fixed(id, offset)) {
        return fixed(offset);
    }
    for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
        if (id.starts_with(prefix) && parse_fixed(id.substr(prefix.size()), offset)) {
            time_zone z = fixed(offset);
            z.id_ = std::make_shared<const std::string>(id);
            return z;
        }
    }
    if (!valid_region(id)) {
        return error{errc::invalid_argument, fmt::format("Unknown time zone '{}'", id)};
    }
    // Loaded zones live for the process; the lock is held only for the map.
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<const transitions>, std::less<>> loaded;
    std::shared_ptr<const transitions> zone;
    {
        std::lock_guard lock(mu);
        if (auto it = loaded.find(id); it != loaded.end()) {
            zone = it->second;
        }
    }
    if (!zone) {
        auto z = load_tzif(std::string(id));
        if (!z) {
            return z.take_error();
        }
        std::lock_guard lock(mu);
        zone = loaded.emplace(std::string(id), *z).first->second;
    }
    time_zone out;
    out.zone_ = zone;
    out.id_ = std::make_shared<const std::string>(zone->id);
    return out;
}

int32_t time_zone::offset_at(int64_t epoch_seconds) const {
    if (!zone_) {
        return fixed_offset_;
    }
    const auto& z = *zone_;
    if (z.at.empty() || epoch_seconds < z.at.front()) {
        return z.at.empty() && z.has_footer ? footer_offset(z, epoch_seconds) : z.initial;
    }
    if (epoch_seconds >= z.at.back() && z.has_footer) {
        return footer_offset(z, epoch_seconds);
    }
    const auto it = std::upper_bound(z.at.begin(), z.at.end(), epoch_seconds);
    return z.offsets[static_cast<size_t>(it - z.at.begin()) - 1];
}

int32_t time_zone::offset_for_local(int64_t local_seconds) const {
    if (!zone_) {
        return fixed_offset_;
    }
    // Offsets in force a day either side; transitions are further apart.
    const int32_t before = offset_at(local_seconds - 86400);
    const int32_t after = offset_at(local_seconds + 86400);
    if (before == after) {
        return before;
    }
    const bool before_ok = offset_at(local_seconds - before) == before;
    const bool after_ok = offset_at(local_seconds - after) == after;
    if (before_ok) {
        return before;  // unique, or the earlier instant of an overlap
    }
    if (after_ok) {
        return after;
    }
    return before;  // in a gap: shifted forward by the gap, as java.time does
}

const std::string& time_zone::id() const {
    return *id_;
}

}  // namespace cs
