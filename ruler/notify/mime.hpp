#pragma once
// The pieces of an email message Alertmanager builds with Go's mail, mime and multipart
// packages: address lists, Q-encoded header values, quoted-printable bodies, multipart parts.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackwatch::notify::mime {

// The bare addresses of an address list ("Ops <ops@x>, db@y" -> ops@x, db@y); nullopt when the
// list does not parse.
std::optional<std::vector<std::string>> parse_address_list(std::string_view list);

// mime.QEncoding.Encode("utf-8", v): unchanged when printable ASCII, else =?utf-8?q?...?= words.
std::string q_encode(std::string_view value);

// quotedprintable.Writer: CRLF line ends, soft breaks before 76 columns, '=' and bytes outside
// printable ASCII as =XX, trailing blanks encoded.
std::string quoted_printable(std::string_view text);

// A random boundary of 30 random bytes in hex, as multipart.Writer makes.
std::string random_boundary();

}  // namespace stackwatch::notify::mime
