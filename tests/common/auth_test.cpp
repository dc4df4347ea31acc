#include <boost/test/unit_test.hpp>

#include <crypt.h>

#include <filesystem>
#include <fstream>

#include "common/access_control.hpp"
#include "common/auth.hpp"
#include "common/config.hpp"

using namespace stackwatch;

BOOST_TEST_DONT_PRINT_LOG_VALUE(stackwatch::http::Role)

namespace {
http::Request with_authorization(const std::string& value) {
    http::Request r;
    r.headers["authorization"] = value;
    return r;
}
std::string bcrypt(const std::string& password) {
    const char* salt = crypt_gensalt_ra("$2b$", 4, nullptr, 0);
    crypt_data data{};
    std::string hash = crypt_r(password.c_str(), salt, &data);
    free(const_cast<char*>(salt));
    return hash;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(constant_time_compare_is_exact) {
    BOOST_TEST(constant_time_equals("abc", "abc"));
    BOOST_TEST(!constant_time_equals("abc", "abd"));
    BOOST_TEST(!constant_time_equals("abc", "abcd"));
    BOOST_TEST(!constant_time_equals("", "a"));
    BOOST_TEST(constant_time_equals("", ""));
}

BOOST_AUTO_TEST_CASE(token_from_file) {
    auto path = std::filesystem::temp_directory_path() / "stackwatch-token-test";
    std::ofstream(path) << "  file-token \n";
    auto auth = BearerTokenAuth::from_file(path.string());
    BOOST_TEST(auth.authenticate(with_authorization("Bearer file-token")));
    std::ofstream(path) << "\n";
    BOOST_CHECK_THROW(BearerTokenAuth::from_file(path.string()), std::runtime_error);
    std::filesystem::remove(path);
    BOOST_CHECK_THROW(BearerTokenAuth::from_file(path.string()), std::runtime_error);
    BOOST_CHECK_THROW(BearerTokenAuth(""), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(basic_auth_checks_bcrypt_hashes) {
    BasicAuth auth({{"prometheus", bcrypt("scrape-pw")}});
    BOOST_TEST(auth.authenticate(with_authorization("Basic " + base64_encode("prometheus:scrape-pw"))));
    BOOST_TEST(!auth.authenticate(with_authorization("Basic " + base64_encode("prometheus:wrong"))));
    BOOST_TEST(!auth.authenticate(with_authorization("Basic " + base64_encode("other:scrape-pw"))));
    BOOST_TEST(!auth.authenticate(with_authorization("Basic !!!notbase64")));
    BOOST_TEST(!auth.authenticate(with_authorization("Bearer " + base64_encode("prometheus:scrape-pw"))));
    BOOST_TEST(!auth.authenticate(http::Request{}));
}

BOOST_AUTO_TEST_CASE(base64_round_trip) {
    for (std::string s : {"", "a", "ab", "abc", "abcd", "user:pa:ss"})
        BOOST_TEST(base64_decode(base64_encode(s)) == s);
    BOOST_TEST(base64_encode("prometheus:x") == "cHJvbWV0aGV1czp4");
}

BOOST_AUTO_TEST_CASE(tokens_file_gives_each_token_its_role_and_basic_users_theirs) {
    auto dir = std::filesystem::temp_directory_path() / "stackwatch-tokens-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "op.token") << "op-secret\n";
    std::ofstream(dir / "tokens.yml") << "tokens:\n"
                                         "- {name: viewer, role: viewer, token: view-secret}\n"
                                         "- {name: op, role: operator, token_file: op.token}\n"
                                         "users: {alice: admin}\n";
    auto basic = std::make_shared<BasicAuth>(
        std::map<std::string, std::string>{{"alice", bcrypt("pw")}, {"bob", bcrypt("pw2")}});
    auto access = AccessControl::load((dir / "tokens.yml").string(), "", basic);
    BOOST_REQUIRE(access);
    auto who = [&](const std::string& header) { return access->identify(with_authorization(header)); };
    BOOST_TEST(who("Bearer view-secret")->role == http::Role::viewer);
    BOOST_TEST(who("Bearer op-secret")->name == "op");
    BOOST_TEST(who("Bearer op-secret")->role == http::Role::operator_);
    BOOST_TEST(!who("Bearer op-secre"));
    BOOST_TEST(!who("Bearer "));
    BOOST_TEST(who("Basic " + base64_encode("alice:pw"))->role == http::Role::admin);
    BOOST_TEST(who("Basic " + base64_encode("bob:pw2"))->role == http::Role::viewer);
    BOOST_TEST(!who("Basic " + base64_encode("bob:pw")));
    BOOST_TEST(access->challenge() == "Bearer");
    BOOST_TEST(!AccessControl::load("", "", nullptr));  // nothing configured: the API stays open

    auto fails_with = [&](const std::string& text, const std::string& expected) {
        std::ofstream(dir / "bad.yml") << text;
        try {
            AccessControl::load((dir / "bad.yml").string(), "", nullptr);
        } catch (const ConfigError& e) {
            BOOST_TEST_CONTEXT(text) {
                BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
            }
            return;
        }
        BOOST_ERROR("no error for " + text);
    };
    fails_with("tokens:\n- {name: a, role: root, token: x}\n", "bad.yml:2");
    fails_with("tokens:\n- {name: a, role: root, token: x}\n", "unknown role \"root\"");
    fails_with("tokens:\n- {name: a, role: admin}\n", "exactly one of token and token_file");
    fails_with("tokens:\n- {name: a, role: admin, token: x}\n- {name: a, role: viewer, token: y}\n",
               "token name \"a\" is used twice");
    fails_with("tokens:\n- {name: a, role: admin, token_file: missing.token}\n",
               "cannot read token file");
    fails_with("tokenz: []\n", "tokenz");
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
