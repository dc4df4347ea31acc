#include <boost/test/unit_test.hpp>

#include "common/redact.hpp"

using stackwatch::redact;

BOOST_AUTO_TEST_SUITE(redaction)

BOOST_AUTO_TEST_CASE(masks_url_passwords_but_keeps_user_and_host) {
    auto out = redact("connecting to postgresql://app:s3cr3t@db:5432/main failed");
    BOOST_TEST(out.find("s3cr3t") == std::string::npos, out);
    BOOST_TEST(out.find("postgresql://app:***@db:5432/main") != std::string::npos, out);
    out = redact("redis://:hunter2@cache:6379");
    BOOST_TEST(out == "redis://:***@cache:6379");
}

BOOST_AUTO_TEST_CASE(masks_key_value_secrets) {
    auto out = redact("host=db port=5432 user=app password=s3cr3t dbname=main");
    BOOST_TEST(out == "host=db port=5432 user=app password=*** dbname=main");
    out = redact("host=db password='with space' sslmode=disable");
    BOOST_TEST(out == "host=db password=*** sslmode=disable");
    out = redact("GET /probe?target=x&token=abcdef&x=1");
    BOOST_TEST(out == "GET /probe?target=x&token=***&x=1");
}

BOOST_AUTO_TEST_CASE(masks_json_and_header_credentials) {
    BOOST_TEST(redact(R"({"user":"a","password":"pw1"})") == R"({"user":"a","password":"***"})");
    BOOST_TEST(redact("Authorization: Bearer abcdefghijkl") == "Authorization: Bearer ***");
    BOOST_TEST(redact("authorization: basic dXNlcjpwYXNz") == "authorization: basic ***");
}

BOOST_AUTO_TEST_CASE(leaves_ordinary_text_alone) {
    std::string text = "pg_up 1, scrape took 12ms on host=db port=5432";
    BOOST_TEST(redact(text) == text);
}

BOOST_AUTO_TEST_SUITE_END()
