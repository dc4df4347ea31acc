#pragma once
// glibc's allocator as a long-running server wants it. By default every thread that allocates
// gets an arena of its own and keeps what it freed: after a few large API answers on different
// HTTP threads the process held hundreds of MiB it no longer used.

namespace stackwatch::memory {

// At start-up, before the threads: at most two arenas.
void tune_allocator();
// Hands free pages back to the system (after a large answer, and periodically).
void release_free_memory();

}  // namespace stackwatch::memory
