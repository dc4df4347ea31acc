#define BOOST_TEST_MODULE scrape
#include <boost/test/unit_test.hpp>
