#include "common/memory.hpp"

#include <malloc.h>

namespace stackwatch::memory {

void tune_allocator() {
    mallopt(M_ARENA_MAX, 2);
}

void release_free_memory() {
    malloc_trim(0);
}

}  // namespace stackwatch::memory
