#pragma once
// `stackwatch-ruler notify test`: one sample notification straight to every integration of a
// receiver, bypassing routing, dedup and the outbox, to check credentials and addresses
// before an outage does.

#include <iosfwd>
#include <string>

namespace stackwatch::notify {

// 0 when every integration accepted it, 1 when one failed, 2 for a usage error.
int test_receiver(const std::string& config_file, const std::string& receiver, std::ostream& out,
                  std::ostream& err);

}  // namespace stackwatch::notify
