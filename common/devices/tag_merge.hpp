// The tags stored with an enriched reading (iot-ingest(1), ENRICHMENT):
// the route's tags win on a clash, then the payload's own, then the device
// table's (with "unit" from its unit.METRIC column for that metric).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "devices/device_table.hpp"

namespace iot::devices {

// The readings.tags JSON object for one reading of `device`; "" when there
// are no tags at all. Without tags of the payload's or the route's, the
// device's own rendering, shared. Errors: bad_input "schema" (a tag that
// is not UTF-8).
Result<SharedText> merged_tags_json(const DeviceInfo& device, std::string_view metric,
                                    const std::map<std::string, std::string>& own,
                                    const std::map<std::string, std::string>& route);

}  // namespace iot::devices
