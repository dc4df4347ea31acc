#include "tests/support/ruler_home.hpp"

namespace stackwatch::test {

std::unique_ptr<Program> start_ruler_in(const std::filesystem::path& dir) {
    auto ruler = std::make_unique<Program>(std::vector<std::string>{
        "stackwatch-ruler", "--config.file=" + (dir / "ruler.yml").string(),
        "--storage.state-path=" + (dir / "state.db").string(),
        "--web.tokens-file=" + (dir / "tokens.yml").string()});
    ruler->wait_until_serving("/-/healthy");
    return ruler;
}

http::ClientResponse call_with_token(const Program& program, const std::string& method,
                                     const std::string& path, const std::string& body,
                                     const std::string& token) {
    http::ClientRequest r{.method = method, .url = program.url(path), .body = body};
    r.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    return http::perform(r);
}

}  // namespace stackwatch::test
