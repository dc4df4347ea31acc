#include "common/memory.hpp"

#include <malloc.h>

namespace stackwatch::memory {

// Requests are short and share what they read, so a few malloc arenas serve every thread;
// glibc's default of eight per core mostly holds freed memory.
void tune_allocator() {
    mallopt(M_ARENA_MAX, 2);
}

void release_free_memory() {
    malloc_trim(0);
}

}  // namespace stackwatch::memory
