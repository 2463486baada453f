// --devices (iot-ingest(1), ENRICHMENT): the device table from a CSV or
// NDJSON file (reloaded on SIGHUP and when the file changes) or from
// table:NAME in the --db database (reloaded on SIGHUP and every
// --devices-reload).
#pragma once

#include <memory>

#include "core/result.hpp"
#include "devices/device_directory.hpp"
#include "iot-ingest/options.hpp"

namespace iot::ingest {

// Loads the table once (a bad table stops the run: usage error) and starts
// its reloads; nullptr without --devices.
Result<std::unique_ptr<devices::DeviceDirectory>> open_devices(const IngestOptions& options);

}  // namespace iot::ingest
