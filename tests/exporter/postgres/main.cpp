#define BOOST_TEST_MODULE exporter_postgres
#include <boost/test/unit_test.hpp>
