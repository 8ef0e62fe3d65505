#include "connect/connectors/s3/s3_store.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>

#include "base/log.h"

namespace cs::connect::s3 {
namespace {

struct response {
    long status = 0;
    std::string body;
    std::string etag;
};

std::string xml_unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        static constexpr std::pair<std::string_view, char> entities[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (const auto& [name, c] : entities) {
            if (s.substr(i, name.size()) == name) {
                out += c;
                i += name.size() - 1;
                done = true;
                break;
            }
        }
        if (!done) {
            out += '&';
        }
    }
    return out;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Every <tag>text</tag> in document order (flat scan; S3's answers have no
// nested elements of the same name).
std::vector<std::string> xml_all(std::string_view doc, std::string_view tag) {
    std::vector<std::string> out;
    const std::string open = fmt::format("<{}>", tag);
    const std::string close = fmt::format("</{}>", tag);
    size_t pos = 0;
    while ((pos = doc.find(open, pos)) != std::string_view::npos) {
        const size_t start = pos + open.size();
        const size_t end = doc.find(close, start);
        if (end == std::string_view::npos) {
            break;
        }
        out.push_back(xml_unescape(doc.substr(start, end - start)));
        pos = end + close.size();
    }
    return out;
}

// What an error answer says: "AccessDenied: Access Denied" from S3's XML
// error body (<Code>, <Message>), else the start of whatever body came.
std::string error_text(const std::string& body) {
    const auto codes = xml_all(body, "Code");
    if (codes.empty()) {
        return body.substr(0, 200);
    }
    const auto messages = xml_all(body, "Message");
    return messages.empty() ? codes.front() : codes.front() + ": " + messages.front();
}

size_t on_body(char* p, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(p, size * n);
    return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* user) {
    std::string_view line(p, size * n);
    if (line.size() > 5 && (line.substr(0, 5) == "ETag:" || line.substr(0, 5) == "etag:" ||
                            line.substr(0, 5) == "Etag:")) {
        std::string v(line.substr(5));
        v.erase(0, v.find_first_not_of(" \t"));
        v.erase(v.find_last_not_of(" \t\r\n") + 1);
        *static_cast<std::string*>(user) = v;
    }
    return size * n;
}

std::string amz_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

class s3_store final : public object_store {
  public:
    explicit s3_store(s3_store_options o) : o_(std::move(o)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ = curl_easy_init();
        const auto scheme_end = o_.endpoint.find("://");
        scheme_ = o_.endpoint.substr(0, scheme_end);
        host_ = o_.endpoint.substr(scheme_end + 3);
        while (!host_.empty() && host_.back() == '/') {
            host_.pop_back();
        }
    }
    ~s3_store() override { curl_easy_cleanup(curl_); }
    s3_store(const s3_store&) = delete;
    s3_store& operator=(const s3_store&) = delete;

    status put_object(const std::string& key, bytes_view data) override {
        auto r = call("PUT", key, {}, data);
        return r ? status{} : status{r.err()};
    }

    result<std::string> create_multipart(const std::string& key) override {
        auto r = call("POST", key, {{"uploads", ""}}, {});
        if (!r) {
            return r.err();
        }
        auto ids = xml_all(r->body, "UploadId");
        if (ids.empty()) {
            return error{errc::corrupt, fmt::format("CreateMultipartUpload {}: no UploadId", key)};
        }
        return ids.front();
    }

    result<std::string> upload_part(const std::string& key, const std::string& upload_id,
                                    int part_number, bytes_view data) override {
        auto r = call("PUT", key,
                      {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}}, data);
        if (!r) {
            return r.err();
        }
        if (r->etag.empty()) {
            return error{errc::corrupt,
                         fmt::format("UploadPart {} #{}: no ETag", key, part_number)};
        }
        return r->etag;
    }

    status complete_multipart(const std::string& key, const std::string& upload_id,
                              const std::vector<std::string>& etags) override {
        std::string xml = "<CompleteMultipartUpload>";
        for (size_t i = 0; i < etags.size(); ++i) {
            xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                               xml_escape(etags[i]));
        }
        xml += "</CompleteMultipartUpload>";
        auto r = call("POST", key, {{"uploadId", upload_id}}, as_bytes(xml));
        if (!r) {
            return r.err();
        }
        // S3 may answer 200 and report the failure in the body.
        if (r->body.find("<Error>") != std::string::npos) {
            return error{errc::io, fmt::format("CompleteMultipartUpload {}: {}", key, r->body)};
        }
        return {};
    }

    status abort_multipart(const std::string& key, const std::string& upload_id) override {
        auto r = call("DELETE", key, {{"uploadId", upload_id}}, {});
        return r ? status{} : status{r.err()};
    }

    result<std::vector<std::string>> list(const std::string& prefix) override {
        std::vector<std::string> out;
        std::string token;
        while (true) {
            std::vector<std::pair<std::string, std::string>> q{{"list-type", "2"},
                                                               {"prefix", prefix}};
            if (!token.empty()) {
                q.emplace_back("continuation-token", token);
            }
            auto r = call("GET", "", q, {});
            if (!r) {
                return r.err();
            }
            for (auto& k : xml_all(r->body, "Key")) {
                out.push_back(std::move(k));
            }
            auto truncated = xml_all(r->body, "IsTruncated");
            auto next = xml_all(r->body, "NextContinuationToken");
            if (truncated.empty() || truncated.front() != "true" || next.empty()) {
                break;
            }
            token = next.front();
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    result<std::string> get_object(const std::string& key) override {
        auto r = call("GET", key, {}, {});
        if (!r) {
            return r.err();
        }
        return std::move(r->body);
    }

  private:
    // 4xx answers that mean "try again" (as AWS SDKs retry them): 408, 429
    // (S3-compatible stores throttle with it), 400 RequestTimeout.
    static bool throttled(const response& r) {
        return r.status == 408 || r.status == 429 ||
               (r.status == 400 &&
                xml_all(r.body, "Code") == std::vector<std::string>{"RequestTimeout"});
    }

    result<response> call(const std::string& method, const std::string& key,
                          const std::vector<std::pair<std::string, std::string>>& query,
                          bytes_view body) {
        error last;
        for (int attempt = 0; attempt < o_.max_attempts; ++attempt) {
            if (attempt > 0) {
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(o_.base_backoff_ms << std::min(attempt - 1, 10)));
            }
            auto r = once(method, key, query, body);
            if (r && r->status >= 200 && r->status < 300) {
                return r;
            }
            if (r && r->status >= 300 && r->status < 500 && !throttled(*r)) {
                return error{r->status == 404 ? errc::not_found : errc::invalid_argument,
                             fmt::format("S3 {} {}: HTTP {} {}", method, key, r->status,
                                         error_text(r->body))};
            }
            last = r ? error{errc::io, fmt::format("S3 {} {}: HTTP {} {}", method, key, r->status,
                                                   error_text(r->body))}
                     : r.err();
            log::get("s3-sink")->warn("{} (attempt {} of {})", last.message, attempt + 1,
                                      o_.max_attempts);
        }
        return last;
    }

    result<response> once(const std::string& method, const std::string& key,
                          const std::vector<std::pair<std::string, std::string>>& query,
                          bytes_view body) {
        const std::string host = o_.path_style ? host_ : o_.bucket + "." + host_;
        const std::string path =
            o_.path_style ? "/" + o_.bucket + (key.empty() ? "" : "/" + key) : "/" + key;
        sigv4_request req;
        req.method = method;
        req.path = path;
        req.query = query;
        const std::string date = amz_now();
        const std::string_view body_text(reinterpret_cast<const char*>(body.data()), body.size());
        req.payload_hash = sha256_hex(body_text);
        req.headers = {
            {"host", host}, {"x-amz-date", date}, {"x-amz-content-sha256", req.payload_hash}};
        if (!o_.credentials.session_token.empty()) {
            req.headers.emplace_back("x-amz-security-token", o_.credentials.session_token);
        }
        std::string url = fmt::format("{}://{}{}", scheme_, host, uri_encode(path, false));
        std::string qs;
        for (const auto& [k, v] : query) {
            qs += qs.empty() ? "?" : "&";
            qs += uri_encode(k, true) + "=" + uri_encode(v, true);
        }
        url += qs;

        curl_slist* headers = nullptr;
        for (const auto& [k, v] : req.headers) {
            if (k != "host") {
                headers = curl_slist_append(headers, fmt::format("{}: {}", k, v).c_str());
            }
        }
        if (!o_.credentials.access_key_id.empty()) {
            headers = curl_slist_append(
                headers,
                ("Authorization: " + sigv4_authorization(req, o_.credentials, date, o_.region))
                    .c_str());
        }
        headers = curl_slist_append(headers, "Expect:");
        headers = curl_slist_append(headers, "Content-Type:");

        response resp;
        curl_easy_reset(curl_);
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, o_.timeout_ms);
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 10'000L);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &resp.body);
        curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &resp.etag);
        if (method == "PUT" || method == "POST") {
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(body.size()));
        } else if (method == "GET") {
            curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
        }
        const CURLcode rc = curl_easy_perform(curl_);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) {
            return error{rc == CURLE_OPERATION_TIMEDOUT ? errc::timed_out : errc::io,
                         fmt::format("S3 {} {}: {}", method, url, curl_easy_strerror(rc))};
        }
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &resp.status);
        return resp;
    }

    s3_store_options o_;
    CURL* curl_ = nullptr;
    std::string scheme_;
    std::string host_;
};

std::string get(const config_map& c, const std::string& key, std::string def = {}) {
    auto it = c.find(key);
    return it == c.end() || it->second.empty() ? def : it->second;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

result<std::unique_ptr<object_store>> open_s3_store(s3_store_options options) {
    if (options.bucket.empty()) {
        return error{errc::invalid_argument, "s3.bucket.name is required"};
    }
    if (options.endpoint.find("://") == std::string::npos) {
        return error{errc::invalid_argument,
                     fmt::format("store.url '{}' is not an http(s) URL", options.endpoint)};
    }
    return std::unique_ptr<object_store>(std::make_unique<s3_store>(std::move(options)));
}

result<s3_store_options> s3_options_from_config(const config_map& config) {
    s3_store_options o;
    o.bucket = get(config, "s3.bucket.name");
    o.region = get(config, "s3.region", "us-west-2");
    o.endpoint = get(config, "store.url", fmt::format("https://s3.{}.amazonaws.com", o.region));
    o.path_style = get(config, "s3.path.style.access.enabled", "true") != "false";
    o.credentials.access_key_id = get(config, "aws.access.key.id", env("AWS_ACCESS_KEY_ID"));
    o.credentials.secret_access_key =
        get(config, "aws.secret.access.key", env("AWS_SECRET_ACCESS_KEY"));
    if (get(config, "aws.access.key.id").empty()) {
        o.credentials.session_token = env("AWS_SESSION_TOKEN");
    }
    if (o.bucket.empty()) {
        return error{errc::invalid_argument, "s3.bucket.name is required"};
    }
    return o;
}

}  // namespace cs::connect::s3
