#include "replay/episode_faults.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace iot::replay {
namespace {

constexpr std::int64_t s = 1'000'000'000;

// One device at one message a second, every message allowed to start a
// fault, and the values a message carries before the episodes touch them.
struct Device {
  EpisodeFaults faults;
  std::vector<EpisodeEffect> effects;
  std::vector<std::vector<double>> sent;  // values of the messages not silenced
  Device(InjectSpec spec, std::uint64_t messages) : faults(spec, 1, messages, 1.0, 7) {
    for (std::uint64_t seq = 1; seq <= messages; ++seq) {
      std::vector<double> values{10.0 + double(seq) * 0.5, 20.0 + double(seq)};
      std::vector<int> quality{0, 0};  // bad: a fault's own readings become good
      auto e = faults.apply(0, seq, std::int64_t(seq) * s, true, values, quality);
      effects.push_back(e);
      if (e == EpisodeEffect::changed) {
        for (const auto& ep : faults.episodes()) {
          if (ep.metric && ep.last_seq == seq) {
            EXPECT_EQ(quality[*ep.metric], 192);
          }
        }
      }
      if (e != EpisodeEffect::silent) sent.push_back(values);
    }
  }
};

InjectSpec spec_of(double stuck, double spike, double dead, double hold_s = 60) {
  InjectSpec spec;  // rates beyond what --inject allows, to make every message a candidate
  spec.stuck = stuck;
  spec.spike = spike;
  spec.dead = dead;
  spec.hold_s = hold_s;
  return spec;
}

struct KindCase {
  const char* name;
  InjectSpec spec;
  EpisodeKind kind;
  std::uint64_t length;  // messages touched
};

TEST(EpisodeFaults, EachKindTable) {
  const KindCase cases[] = {
      {"stuck", spec_of(0.5, 0, 0, 10), EpisodeKind::stuck, 10},
      {"spike", spec_of(0, 0.5, 0), EpisodeKind::spike, 1},
      {"dead", spec_of(0, 0, 0.5, 5), EpisodeKind::dead, 5},
  };
  for (const auto& c : cases) {
    Device d(c.spec, 200);
    const auto& eps = d.faults.episodes();
    ASSERT_GT(eps.size(), 3u) << c.name;
    std::uint64_t previous_end = 0;
    for (const auto& e : eps) {
      EXPECT_EQ(e.kind, c.kind) << c.name;
      EXPECT_GT(e.first_seq, previous_end) << c.name;  // one episode at a time
      EXPECT_EQ(e.last_seq - e.first_seq + 1, c.length) << c.name;
      EXPECT_EQ(e.end_seq, e.last_seq + 1) << c.name;
      EXPECT_EQ(e.start_ns, std::int64_t(e.first_seq) * s);
      EXPECT_EQ(e.end_ns, std::int64_t(e.end_seq) * s);
      EXPECT_LT(e.end_seq, 200u) << c.name;  // never the last message
      EXPECT_EQ(d.effects[e.end_seq - 1], EpisodeEffect::ended);
      previous_end = e.end_seq;
      for (auto seq = e.first_seq; seq <= e.last_seq; ++seq)
        EXPECT_EQ(d.effects[seq - 1], c.kind == EpisodeKind::dead ? EpisodeEffect::silent : EpisodeEffect::changed);
    }
  }
}

TEST(EpisodeFaults, StuckHoldsTheValueAndLetsGoAfter) {
  EpisodeFaults f(spec_of(1, 0, 0, 3), 1, 50, 1.0, 1);
  std::vector<double> held;
  for (std::uint64_t seq = 1; seq <= 10; ++seq) {
    std::vector<double> v{double(seq), double(seq)};
    std::vector<int> q{192, 192};
    auto e = f.apply(0, seq, std::int64_t(seq) * s, true, v, q);
    if (e == EpisodeEffect::changed) held.push_back(v[*f.episodes().front().metric]);
    if (e == EpisodeEffect::ended) {
      EXPECT_NE(v[*f.episodes().front().metric], held.front());
      break;
    }
  }
  ASSERT_EQ(held.size(), 3u);  // seq 2 (the first that may start), 3 and 4: 3 s; 5 ends it
  for (double v : held) EXPECT_EQ(v, held.front());
}

TEST(EpisodeFaults, SpikeIsFarOut) {
  EpisodeFaults f(spec_of(0, 1, 0), 1, 50, 1.0, 1);
  std::vector<double> v{-3, 4};
  std::vector<int> q{0, 0};
  EXPECT_EQ(f.apply(0, 1, s, true, v, q), EpisodeEffect::none);  // never the first message
  EXPECT_EQ(f.apply(0, 2, 2 * s, true, v, q), EpisodeEffect::changed);
  std::size_t m = *f.episodes().front().metric;
  EXPECT_EQ(v[m], m == 0 ? 1030 : 1040);
  EXPECT_EQ(q[m], 192);
}

TEST(EpisodeFaults, NothingWhereNotAllowed) {
  EpisodeFaults f(spec_of(0.4, 0, 0.4), 1, 100, 1.0, 1);
  for (std::uint64_t seq = 1; seq <= 100; ++seq) {
    std::vector<double> v{1};
    std::vector<int> q{192};
    EXPECT_EQ(f.apply(0, seq, std::int64_t(seq) * s, false, v, q), EpisodeEffect::none);
  }
  EXPECT_TRUE(f.episodes().empty());
  EXPECT_EQ(episode_name(EpisodeKind::dead), "dead");
}

}  // namespace
}  // namespace iot::replay
