#include <gtest/gtest.h>

#include "topic/rewrite.hpp"

namespace iot::topic {
namespace {

struct RewriteCase {
  const char* rule;
  const char* topic;
  const char* want;  // nullptr: the rule does not match
};

TEST(TopicRewriteRule, RewritesWithCaptures) {
  const RewriteCase cases[] = {
      {"plant/+/#=>staging/{1}/{2}", "plant/P-1/telemetry", "staging/P-1/telemetry"},
      {"plant/+/#=>staging/{1}/{2}", "plant/P-1/a/b/c", "staging/P-1/a/b/c"},
      {"plant/+/#=>staging/{1}/{2}", "plant/P-1", "staging/P-1"},  // '#' matched nothing: its '/' goes too
      {"plant/+/#=>staging/{1}/{2}", "plant", nullptr},
      {"plant/+/#=>staging/{1}/{2}", "other/P-1/x", nullptr},
      {"+/+=>{2}/{1}", "a/b", "b/a"},                                  // captures in any order
      {"+/+=>{1}-{1}", "a/b", "a-a"},                                  // and more than once
      {"a/+/c=>x/{1}", "a//c", "x/"},                                  // an empty level is a level
      {"#=>backup/{1}", "plant/P-1/telemetry", "backup/plant/P-1/telemetry"},
      {"#=>backup/{1}", "$SYS/broker/uptime", nullptr},                // '$' topics need a literal first level
      {"$SYS/#=>sys/{1}", "$SYS/broker/uptime", "sys/broker/uptime"},
      {"a/b=>c", "a/b", "c"},                                          // no wildcard: a fixed rename
      {"a/b=>c", "a/b/c", nullptr},
      {"a/+=>{{{1}}}", "a/x", "{x}"},                                  // literal braces
      {"a/+=>to=>{1}", "a/x", "to=>x"},                                // the first "=>" splits
      {"i/+/ü=>{1}/ü", "i/x/ü", "x/ü"},
  };
  for (const auto& c : cases) {
    auto rule = TopicRewriteRule::parse(c.rule);
    ASSERT_TRUE(rule) << c.rule << ": " << rule.error().message;
    auto got = rule->apply(c.topic);
    if (!c.want) {
      EXPECT_FALSE(got) << c.rule << " on " << c.topic << " gave " << got.value_or("");
    } else {
      ASSERT_TRUE(got) << c.rule << " did not match " << c.topic;
      EXPECT_EQ(*got, c.want) << c.rule << " on " << c.topic;
    }
  }
}

TEST(TopicRewriteRule, RefusesBadRules) {
  struct Bad {
    const char* rule;
    const char* says;
  };
  const Bad cases[] = {
      {"plant/+", "FROM=>TO"},
      {"=>x", "FROM"},
      {"a/b#=>x", "inside a level"},
      {"a/#/b=>x", "before the last level"},
      {"a/+=>", "TO is empty"},
      {"a/+=>b/+", "wildcard"},
      {"a/+=>b/#", "wildcard"},
      {"a/+=>{2}", "FROM has 1 wildcard"},
      {"a/b=>{1}", "FROM has 0 wildcard"},
      {"a/+=>{0}", "FROM has 1"},
      {"a/+=>{x}", "capture number"},
      {"a/+=>{1", "capture number"},
      {"a/+=>1}", "lone '}'"},
  };
  for (const auto& c : cases) {
    auto rule = TopicRewriteRule::parse(c.rule);
    ASSERT_FALSE(rule) << c.rule << " was accepted";
    EXPECT_EQ(rule.error().reason, "usage");
    EXPECT_NE(rule.error().message.find(c.says), std::string::npos) << c.rule << ": " << rule.error().message;
  }
}

TEST(TopicRewriter, FirstMatchingRuleThenPrefix) {
  auto w = TopicRewriter::make("lab/", {"plant/+/alarm=>alarms/{1}", "plant/#=>site1/{1}"});
  ASSERT_TRUE(w) << w.error().message;
  const std::pair<const char*, const char*> cases[] = {
      {"plant/P-1/alarm", "lab/alarms/P-1"},
      {"plant/P-1/telemetry", "lab/site1/P-1/telemetry"},
      {"other/x", "lab/other/x"},  // no rule matched: kept, prefixed
  };
  for (const auto& [topic, want] : cases) {
    auto got = w->apply(topic);
    ASSERT_TRUE(got) << topic << ": " << got.error().message;
    EXPECT_EQ(*got, want);
  }
}

TEST(TopicRewriter, EmptyAndInvalidResults) {
  auto none = TopicRewriter::make("", {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(*none->apply("a/b"), "a/b");
  // A '#' that matched nothing, written alone, leaves no topic at all.
  auto w = TopicRewriter::make("", {"a/#=>{1}"});
  ASSERT_TRUE(w);
  auto empty = w->apply("a");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason, "topic");
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(TopicRewriter, RefusesBadPrefixAndNamesTheOption) {
  for (const char* prefix : {"a/+/", "#", "x\xff"}) {
    auto w = TopicRewriter::make(prefix, {});
    ASSERT_FALSE(w) << prefix;
    EXPECT_NE(w.error().message.find("--topic-prefix"), std::string::npos);
  }
  auto w = TopicRewriter::make("", {"nope"});
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("--topic-rewrite \"nope\""), std::string::npos) << w.error().message;
}

}  // namespace
}  // namespace iot::topic
