#define BOOST_TEST_MODULE exporter_redis
#include <boost/test/unit_test.hpp>
