#define BOOST_TEST_MODULE datasource
#include <boost/test/unit_test.hpp>
