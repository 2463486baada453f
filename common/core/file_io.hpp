// The POSIX steps every crash-safe file write here takes (the spool's
// batches, BigQuery load files, waveform blobs): make the folder, write every
// byte, then make a rename or a new file in a folder durable by syncing the
// folder itself.
#pragma once

#include <string>
#include <string_view>

namespace iot {

// write(2) until every byte is out, EINTR retried. False with errno set.
bool write_fully(int fd, std::string_view bytes);

// mkdir -p: the folder and any missing parents, each created with `mode`
// (as mkdir(2) takes it, so the umask applies). An existing folder is fine;
// an existing file in the way is not. False with errno set.
bool make_directories(const std::string& dir, unsigned mode);

// fsync(2) of a directory: without it a file renamed into it may be gone
// after a power cut. False with errno set.
bool fsync_directory(const std::string& dir);

}  // namespace iot
