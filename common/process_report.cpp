#include "common/process_report.hpp"

#include <malloc.h>

#include <chrono>

#include "common/procfs.hpp"
#include "common/time_format.hpp"

#if defined(__SANITIZE_ADDRESS__)
// From the ASan runtime's public allocator interface (GCC ships the runtime but not its header).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
extern "C" std::size_t __sanitizer_get_heap_size();
#endif

namespace stackwatch::process {
namespace {

struct HeapUse {
    std::size_t in_use;
    std::size_t held;
};

// As the allocator counts it. AddressSanitizer's allocator replaces glibc's, whose mallinfo2 then
// reports nothing, so a sanitizer build asks ASan.
HeapUse heap_use() {
#if defined(__SANITIZE_ADDRESS__)
    return {__sanitizer_get_current_allocated_bytes(), __sanitizer_get_heap_size()};
#else
    struct mallinfo2 heap = mallinfo2();
    return {heap.uordblks, heap.arena + heap.hblkhd};
#endif
}

}  // namespace

nlohmann::json process_report() {
    auto facts = read_self_process().value_or(ProcessSample{});
    auto heap = heap_use();
    double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return {
        {"timestamp", iso8601_utc_ms(std::chrono::system_clock::now())},
        {"memory",
         {{"rss_bytes", facts.resident_bytes},
          {"virtual_bytes", facts.virtual_bytes},
          {"heap_bytes", heap.in_use},
          {"heap_total_bytes", heap.held}}},
        {"cpu", {{"user_seconds", facts.user_seconds}, {"system_seconds", facts.system_seconds}}},
        {"process",
         {{"pid", facts.pid},
          {"threads", facts.threads},
          {"open_fds", facts.open_fds.value_or(0)},
          {"max_fds", facts.max_fds.value_or(0)},
          {"start_time_seconds", facts.start_time_seconds}}},
        {"uptime_seconds", now - facts.start_time_seconds}};
}

}  // namespace stackwatch::process
