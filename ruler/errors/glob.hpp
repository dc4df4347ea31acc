#pragma once
// The '*' globs every error query and fingerprint rule takes ("database:connection:*",
// "auth:*"): '*' matches any run of characters, ':' included; nothing else is special.

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>

namespace stackwatch::errors {

class Glob {
  public:
    explicit Glob(std::string_view pattern);
    bool matches(std::string_view text) const;
    bool literal() const { return literal_; }  // no '*': an exact match
    const std::string& pattern() const { return pattern_; }
    // The same pattern for sqlite's GLOB, whose '?' and '[' are escaped to stand for themselves.
    std::string sqlite_glob() const;

  private:
    std::string pattern_;
    bool literal_;
    std::shared_ptr<const RE2> regex_;
};

}  // namespace stackwatch::errors
