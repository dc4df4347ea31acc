#define BOOST_TEST_MODULE exporter_e2e
#include <boost/test/unit_test.hpp>
