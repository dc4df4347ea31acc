#include "common/procfs.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>

using stackwatch::process::ProcFs;

BOOST_AUTO_TEST_SUITE(procfs)

BOOST_AUTO_TEST_CASE(reads_this_process) {
    std::ofstream keep_open("/proc/self/status");  // one more descriptor than stdin/out/err
    auto self = ProcFs().read(::getpid());
    BOOST_REQUIRE(self);
    BOOST_TEST(self->pid == ::getpid());
    BOOST_TEST(self->ppid == ::getppid());
    BOOST_TEST(self->state == 'R');
    BOOST_TEST(self->resident_bytes > 0u);
    BOOST_TEST(self->virtual_bytes >= self->resident_bytes);
    BOOST_TEST(self->threads >= 1u);
    BOOST_REQUIRE(self->open_fds);
    BOOST_TEST(*self->open_fds >= 4u);
    BOOST_REQUIRE(self->max_fds);
    BOOST_TEST(*self->max_fds >= *self->open_fds);
    BOOST_TEST(self->max_virtual_bytes.has_value());
    BOOST_TEST(self->read_bytes.has_value());
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    BOOST_TEST(self->start_time_seconds <= now);
    BOOST_TEST(self->start_time_seconds > now - 24 * 3600);
}

BOOST_AUTO_TEST_CASE(proportional_memory_only_on_request) {
    ProcFs proc;
    BOOST_TEST(!proc.read(::getpid())->proportional_resident_bytes.has_value());
    auto with = proc.read(::getpid(), {.proportional_memory = true});
    BOOST_REQUIRE(with->proportional_resident_bytes.has_value());
    BOOST_TEST(*with->proportional_resident_bytes > 0u);
    BOOST_TEST(*with->proportional_resident_bytes <= with->resident_bytes + 4096 * 64);
    BOOST_TEST(with->proportional_swapped_bytes.has_value());
}

BOOST_AUTO_TEST_CASE(absent_process_is_nullopt) {
    BOOST_TEST(!ProcFs().read(0x3ffffff0).has_value());
    BOOST_TEST(!ProcFs("/nonexistent-proc").read(::getpid()).has_value());
}

BOOST_AUTO_TEST_CASE(parents_include_this_process) {
    auto parents = ProcFs().parents();
    BOOST_TEST(parents.size() > 1u);
    BOOST_TEST((std::find(parents.begin(), parents.end(), std::pair{::getpid(), ::getppid()}) !=
                parents.end()));
}

BOOST_AUTO_TEST_SUITE_END()
