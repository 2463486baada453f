#include "iot-ingest/device_source.hpp"

#include "core/log.hpp"
#include "store/table_text.hpp"

namespace iot::ingest {

Result<std::unique_ptr<devices::DeviceDirectory>> open_devices(const IngestOptions& o) {
  if (o.devices.empty()) return std::unique_ptr<devices::DeviceDirectory>();
  devices::DeviceDirectory::Options d;
  d.name = o.devices;
  if (o.devices.rfind("table:", 0) == 0) {
    std::string table = o.devices.substr(6), db = o.db.front(), schema = o.schema, source = o.devices;
    d.load = [db, schema, table, source]() -> Result<devices::DeviceTable> {
      auto text = store::read_table_text(db, schema, table);
      if (!text) return text.error();
      return devices::table_from_records(text->columns, text->rows, source);
    };
    d.every = o.devices_reload.as<std::chrono::milliseconds>();
  } else {
    std::string path = o.devices;
    d.load = [path] { return devices::load_table_file(path); };
    d.version = [path] { return devices::file_version(path); };
  }
  devices::install_hangup_reload();  // before the first load: a SIGHUP then asks for nothing but a reload
  auto directory = devices::DeviceDirectory::open(std::move(d));
  if (!directory) {
    Error e = directory.error();
    // A table that cannot be used at start is the operator's to fix; a
    // database away is reported as such.
    if (e.kind != ErrorKind::unavailable && e.kind != ErrorKind::io) e.kind = ErrorKind::usage;
    e.message = "--devices " + o.devices + ": " + e.message;
    return e;
  }
  log::info("--devices {}: {} devices", o.devices, (*directory)->current().size());
  return std::move(*directory);
}

}  // namespace iot::ingest
