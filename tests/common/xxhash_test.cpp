// Reference values from the xxHash library (XXH64, seed 0).
#include "common/xxhash.hpp"

#include <boost/test/unit_test.hpp>

using stackwatch::xxhash64;

BOOST_AUTO_TEST_CASE(xxhash64_matches_the_reference) {
    BOOST_TEST(xxhash64("") == 0xef46db3751d8e999ULL);
    BOOST_TEST(xxhash64("a") == 0xd24ec4f1a98c6e5bULL);
    BOOST_TEST(xxhash64("abc") == 0x44bc2cf5ad770999ULL);
    BOOST_TEST(xxhash64("Nobody inspects the spammish repetition") == 0xfbcea83c8a378bf1ULL);
    BOOST_TEST(xxhash64("file\xffrules.yml\xffname\xff"
                        "alerts\xff") == 0x78b5ea9e5b0392ddULL);
    BOOST_TEST(xxhash64(std::string(100, 'x')) == 0x92f0de5a88a3c094ULL);
}
