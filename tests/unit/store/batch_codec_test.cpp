#include "store/batch_codec.hpp"

#include <gtest/gtest.h>

#include "store/copy_text.hpp"

namespace iot::store {

TEST(BatchCodec, RoundTripsEveryRowKind) {
  Batch b;
  ReadingRow r;
  r.time_ns = 1710844800123456000;
  r.device_id = "P-007\twith tab";
  r.metric = "temp\\inlet\nc";
  r.value = 72.4;
  r.quality = 68;
  r.tenant = "t1";
  r.msg_id = "01HX";
  r.seq = 48291;
  r.tags_json = "{\"site\":\"x\"}";
  r.table = "kpi";
  r.ordering_key = "site 7";
  b.readings.push_back(r);
  ReadingRow empty;
  empty.device_id = "d";
  empty.metric = "m";
  b.readings.push_back(empty);
  b.gaps.push_back({"P-007", 5, 9, 100, true, {{5, 6}, {8, 9}}, std::nullopt});
  b.gaps.push_back({"P-008", 1, 1, 200, true, {}, 300});
  AlarmRow alarm;
  alarm.msg_id = "01HX7K";
  alarm.device_id = "P-007";
  alarm.rule = "inlet hot";
  alarm.check = "range";
  alarm.metric = "temp\tinlet";
  alarm.raise = false;
  alarm.value = 97.25;
  alarm.since_ms = 1710844800123;
  alarm.ts_ms = 1710844860123;
  alarm.detail = "97.2 above max 95";
  b.alarms.push_back(alarm);
  RecordRow job;
  job.table = RecordTable::agent_job_status;
  job.time_ns = 1710844800123456000;
  job.msg_id = "m\t1";
  job.device_id = "a1";
  job.name = "J-42";
  job.label = "running";
  job.number = 0.5;
  job.json = "{\"status\":\"running\",\"note\":\"a\\tb\"}";
  b.records.push_back(job);
  WaveformRow w;
  w.upload_id = "u1";
  w.time_ns = 5;
  w.sample_rate_hz = 10000;
  w.dominant_hz_json = "[{\"hz\":50}]";
  b.waveforms.push_back(w);

  auto back = decode_batch(encode_batch(b));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->readings.size(), 2u);
  const auto& x = back->readings[0];
  EXPECT_EQ(x.device_id, r.device_id);
  EXPECT_EQ(x.metric, r.metric);
  EXPECT_EQ(x.time_ns, r.time_ns);
  EXPECT_EQ(x.value, r.value);
  EXPECT_EQ(x.quality, 68);
  EXPECT_EQ(x.seq, r.seq);
  EXPECT_EQ(x.tags_json, r.tags_json);
  EXPECT_EQ(x.table, "kpi");
  EXPECT_EQ(x.ordering_key, "site 7");
  EXPECT_EQ(back->readings[1].ordering_key, "");
  EXPECT_FALSE(back->readings[1].value);
  EXPECT_FALSE(back->readings[1].seq);
  ASSERT_EQ(back->gaps.size(), 2u);
  EXPECT_EQ(back->gaps[0].remaining, b.gaps[0].remaining);
  EXPECT_TRUE(back->gaps[0].replace);
  EXPECT_EQ(back->gaps[1].filled_ns, 300);
  ASSERT_EQ(back->waveforms.size(), 1u);
  ASSERT_EQ(back->records.size(), 1u);
  EXPECT_EQ(back->records[0].table, RecordTable::agent_job_status);
  EXPECT_EQ(back->records[0].time_ns, job.time_ns);
  EXPECT_EQ(back->records[0].msg_id, "m\t1");
  EXPECT_EQ(back->records[0].name, "J-42");
  EXPECT_EQ(back->records[0].label, "running");
  EXPECT_EQ(back->records[0].number, 0.5);
  EXPECT_EQ(back->records[0].json, job.json);
  EXPECT_TRUE(back->records[0].tenant.empty());
  ASSERT_EQ(back->alarms.size(), 1u);
  EXPECT_EQ(back->alarms[0].metric, "temp\tinlet");
  EXPECT_FALSE(back->alarms[0].raise);
  EXPECT_EQ(back->alarms[0].value, 97.25);
  EXPECT_EQ(back->alarms[0].since_ms, 1710844800123);
  EXPECT_EQ(back->alarms[0].ts_ms, 1710844860123);
  EXPECT_EQ(back->alarms[0].detail, alarm.detail);
  EXPECT_TRUE(back->alarms[0].topic.empty());
  EXPECT_EQ(back->waveforms[0].sample_rate_hz, 10000);
  EXPECT_EQ(back->waveforms[0].dominant_hz_json, w.dominant_hz_json);
}

TEST(BatchCodec, ReadsReadingsSpooledBeforeOrderingKeys) {
  Batch b;
  ReadingRow r;
  r.device_id = "d";
  r.metric = "m";
  b.readings.push_back(r);
  std::string text = encode_batch(b);
  auto last_tab = text.rfind('\t');  // a spool file of 14 fields, as older versions wrote
  text = text.substr(0, last_tab) + "\n";
  auto back = decode_batch(text);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->readings.size(), 1u);
  EXPECT_EQ(back->readings[0].ordering_key, "");
}

TEST(BatchCodec, RefusesForeignOrDamagedFiles) {
  EXPECT_FALSE(decode_batch(""));
  EXPECT_FALSE(decode_batch("hello\n"));
  EXPECT_FALSE(decode_batch("iot-spool-batch 1\nR\t1\tonly three\n"));
  auto r = decode_batch("iot-spool-batch 1\nX\t1\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "spool_corrupt");
}

TEST(CopyText, EscapesAndNulls) {
  std::string out;
  append_copy_field(out, "a\tb\\c\nd\re");
  EXPECT_EQ(out, "a\\tb\\\\c\\nd\\re");
  ReadingRow r;
  r.time_ns = 0;
  r.device_id = "d";
  r.metric = "m";
  r.value = 1.5;
  std::string line;
  append_copy_reading(line, r);
  EXPECT_EQ(line, "1970-01-01T00:00:00.000000Z\td\tm\t1.5\t192\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N");
}

}  // namespace iot::store
