#include "common/redact.hpp"

#include <re2/re2.h>

namespace stackwatch {
namespace {

struct Rule {
    RE2 pattern;
    const char* rewrite;
};

const Rule (&rules())[5] {
    static const Rule kRules[5] = {
        // userinfo in URLs; the user name stays visible because it helps debugging.
        {RE2(R"re(([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)[^@\s/]*@)re"), "\\1***@"},
        // key=value pairs, as in libpq DSNs and query strings.
        {RE2(R"re((?i)\b(password|passwd|pwd|pass|secret|token|api_key|apikey|access_token|auth)(\s*=\s*)('[^']*'|"[^"]*"|[^\s&,;']+))re"),
         "\\1\\2***"},
        // JSON or YAML style "password": "value".
        {RE2(R"re((?i)("?(?:password|passwd|secret|token|api_key|apikey|auth_token)"?\s*:\s*)("[^"]*"|[^\s,}]+))re"),
         "\\1\"***\""},
        {RE2(R"re((?i)\b(authorization\s*:\s*(?:bearer|basic)\s+)\S+)re"), "\\1***"},
        {RE2(R"re((?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{8,})re"), "\\1***"},
    };
    return kRules;
}

}  // namespace

std::string redact(std::string_view text) {
    std::string out(text);
    for (const auto& rule : rules()) RE2::GlobalReplace(&out, rule.pattern, rule.rewrite);
    return out;
}

}  // namespace stackwatch
