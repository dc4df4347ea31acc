#pragma once
// Replaces a file so that a reader (or a crash) sees the old content or the new, never a part:
// write a temporary beside it, flush it to disk, rename it over, flush the directory.

#include <string>

namespace stackwatch {

// Creates the directory when missing; throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace stackwatch
