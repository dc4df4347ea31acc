#pragma once
// A stackwatch-ruler run from a directory that holds its ruler.yml, tokens.yml and state file,
// as the /monitoring end-to-end tests start (and restart) it, and a call to it with a token.

#include <filesystem>
#include <memory>
#include <string>

#include "common/http_client.hpp"
#include "tests/support/program.hpp"

namespace stackwatch::test {

// Serving once it returns.
std::unique_ptr<Program> start_ruler_in(const std::filesystem::path& dir);

http::ClientResponse call_with_token(const Program& program, const std::string& method,
                                     const std::string& path, const std::string& body,
                                     const std::string& token);

}  // namespace stackwatch::test
