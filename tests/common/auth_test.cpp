#include <boost/test/unit_test.hpp>

#include <crypt.h>

#include <filesystem>
#include <fstream>

#include "common/auth.hpp"

using namespace stackwatch;

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

BOOST_AUTO_TEST_SUITE_END()
