#pragma once
// Go's letter-case functions that templates call: strings.ToUpper and ToLower, strings.Title
// (Prometheus's title) and cases.Title (Alertmanager's title).

#include <string>

namespace stackwatch::tmpl {

// strings.ToUpper / ToLower for ASCII, Latin-1, Greek and Cyrillic letters, what label values hold
// in practice; other code points keep their case.
std::string to_upper(const std::string& s);
std::string to_lower(const std::string& s);

// strings.Title: uppercase each ASCII letter that follows a separator, leave the rest.
std::string strings_title(const std::string& s);

// cases.Title(language.AmericanEnglish).String: the first cased letter of each word upper, the
// rest of the word lower. Words break as x/text's approximation of UAX #29 does: at anything
// but letters, digits, '_' and the "mid" punctuation (. : ' ’ ·), and at two mids in a row.
std::string cases_title(const std::string& s);

}  // namespace stackwatch::tmpl
