#pragma once

// Module errors as values: every fallible operation below the process
// boundary returns result<T> (or status when there is no value). Exceptions
// are kept for failures that end a request, a task or the process.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cs {

// The broad class of a failure. Callers branch on the code; the message is
// for people and names what was wrong and where.
enum class errc {
    ok = 0,
    invalid_argument,  // the caller passed something malformed
    not_found,         // a named thing does not exist
    already_exists,
    corrupt,       // stored or received bytes fail a check (CRC, length, magic)
    io,            // the operating system refused a read, write or sync
    out_of_range,  // an offset, index or size outside what exists
    too_large,
    unsupported,  // valid, but not implemented by clickstream (yet)
    timed_out,
    shutting_down,
};

const char* errc_name(errc code);

struct error {
    errc code = errc::ok;
    std::string message;
};

template <class T>
class [[nodiscard]] result {
  public:
    result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
    result(error e) : v_(std::move(e)) {}      // NOLINT: implicit by design
    result(errc code, std::string message) : v_(error{code, std::move(message)}) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const error& err() const {
        assert(!ok());
        return std::get<1>(v_);
    }
    // Moves the error out (the result is left holding an empty error).
    error take_error() { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, error> v_;
};

// The result of an operation that yields nothing but success or an error.
class [[nodiscard]] status {
  public:
    status() = default;
    status(error e) : e_(std::move(e)) {}  // NOLINT: implicit by design
    status(errc code, std::string message) : e_{code, std::move(message)} {}
    static status success() { return {}; }

    bool ok() const { return e_.code == errc::ok; }
    explicit operator bool() const { return ok(); }
    const error& err() const { return e_; }
    errc code() const { return e_.code; }
    const std::string& message() const { return e_.message; }

  private:
    error e_;
};

}  // namespace cs
