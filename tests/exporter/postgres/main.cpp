#define BOOST_TEST_MODULE exporter_postgres
#include <boost/test/unit_test.hpp>

// pqxx 6.4 leaks the error result of a statement whose connection dies under it (make_result
// asks the dead connection for its encoding before taking ownership). The target drops such a
// connection, so the leak is one result per outage; the outage tests cause exactly that.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libpqxx-6.4.so\n";
}
