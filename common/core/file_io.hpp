// The two POSIX steps every crash-safe file write here takes (the spool's
// batches, BigQuery load files): write every byte, then make a rename or a
// new file in a folder durable by syncing the folder itself.
#pragma once

#include <string>
#include <string_view>

namespace iot {

// write(2) until every byte is out, EINTR retried. False with errno set.
bool write_fully(int fd, std::string_view bytes);

// fsync(2) of a directory: without it a file renamed into it may be gone
// after a power cut. False with errno set.
bool fsync_directory(const std::string& dir);

}  // namespace iot
