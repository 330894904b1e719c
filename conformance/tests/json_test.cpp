// Tests of the harness's small JSON value: writer escapes (RFC 8259), insertion order, number
// forms, and a parser that reads what the writer writes and says where bad input goes wrong.
#include <gtest/gtest.h>

#include "util/json.h"

namespace sipconform {
namespace {

TEST(Json, ObjectsKeepInsertionOrderAndSetReplacesInPlace) {
  Json object = Json::object();
  object.set("zeta", 1).set("alpha", "a").set("mid", Json::array());
  object.set("zeta", 2);
  EXPECT_EQ(object.dump(0), R"({"zeta":2,"alpha":"a","mid":[]})");
  ASSERT_NE(object.find("alpha"), nullptr);
  EXPECT_EQ(object.find("alpha")->as_string(), "a");
  EXPECT_EQ(object.find("missing"), nullptr);
}

TEST(Json, PrettyPrinting) {
  Json object = Json::object();
  object.set("list", Json(Json::Array{Json(1), Json(true), Json(nullptr)}))
      .set("empty", Json::object());
  EXPECT_EQ(object.dump(2),
            "{\n  \"list\": [\n    1,\n    true,\n    null\n  ],\n  \"empty\": {}\n}");
}

TEST(Json, StringEscapes) {
  EXPECT_EQ(json_quote("a\"b\\c/d"), R"("a\"b\\c/d")");
  EXPECT_EQ(json_quote("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(json_quote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_quote("caf\xC3\xA9 \xF0\x9F\x93\x9E"),
            "\"caf\xC3\xA9 \xF0\x9F\x93\x9E\"");  // UTF-8 passes
  EXPECT_EQ(json_quote("bad \xFF byte \xC3"),
            "\"bad \xEF\xBF\xBD byte \xEF\xBF\xBD\"");  // replaced
  EXPECT_EQ(json_quote("\xED\xA0\x80"),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // no surrogates
}

TEST(Json, Numbers) {
  EXPECT_EQ(Json(42).dump(), "42");
  EXPECT_EQ(Json(std::int64_t{-9007199254740993}).dump(), "-9007199254740993");
  EXPECT_EQ(Json(0.1).dump(), "0.1");
  EXPECT_EQ(Json(2.0).dump(), "2.0");
  EXPECT_EQ(Json(1e300).dump(), "1e+300");
  auto integer = parse_json("-12");
  ASSERT_TRUE(integer);
  EXPECT_TRUE(integer->is_integer());
  EXPECT_EQ(integer->as_int(), -12);
  auto real = parse_json("2.5e1");
  ASSERT_TRUE(real);
  EXPECT_FALSE(real->is_integer());
  EXPECT_DOUBLE_EQ(real->as_double(), 25.0);
  auto huge = parse_json("123456789012345678901234567890");
  ASSERT_TRUE(huge);
  EXPECT_FALSE(huge->is_integer());  // beyond int64: kept as a double rather than refused
}

TEST(Json, ParsesWhatItWrites) {
  const std::string text =
      R"({"s":"x\"y\\z\n\u00e9\ud83d\udcde","n":[1,-2.5,1E3,0],"b":[true,false,null],"o":{"k":{}}})";
  auto value = parse_json(text);
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(value->find("s")->as_string(), "x\"y\\z\n\xC3\xA9\xF0\x9F\x93\x9E");
  auto again = parse_json(value->dump(2));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *value);
  EXPECT_EQ(again->dump(0), value->dump(0));
}

TEST(Json, LoneSurrogatesBecomeReplacementCharacters) {
  auto value = parse_json(R"("\ud800x\udc00")");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->as_string(), "\xEF\xBF\xBDx\xEF\xBF\xBD");
}

TEST(Json, ErrorsSayWhere) {
  const auto error = [](std::string_view text) {
    auto value = parse_json(text);
    return value ? std::string("parsed") : value.error().message;
  };
  EXPECT_EQ(error(""), "line 1, column 1: unexpected end of input, expected a value");
  EXPECT_EQ(error("{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "line 3, column 7: expected ':' after object key");
  EXPECT_EQ(error("[1, 2"), "line 1, column 6: expected ',' or ']' in array");
  EXPECT_EQ(error("[1,]"), "line 1, column 4: unexpected character ']', expected a value");
  EXPECT_EQ(error("{\"a\":1,}"), "line 1, column 8: expected a string as object key");
  EXPECT_EQ(error("\"abc"), "line 1, column 5: unterminated string");
  EXPECT_EQ(error("\"a\tb\""), "line 1, column 3: control character in string");
  EXPECT_EQ(error("\"\\x\""), "line 1, column 3: unknown escape '\\x'");
  EXPECT_EQ(error("\"\\u12g4\""), "line 1, column 6: bad hex digit in \\u escape");
  EXPECT_EQ(error("01"), "line 1, column 2: unexpected text after the JSON value");
  EXPECT_EQ(error("-"), "line 1, column 2: expected a digit");
  EXPECT_EQ(error("1."), "line 1, column 3: expected a digit after '.'");
  EXPECT_EQ(error("tru"), "line 1, column 1: unexpected character 't', expected a value");
  EXPECT_EQ(error("1e999"), "line 1, column 1: number out of range");
  EXPECT_EQ(error(std::string(300, '[') + std::string(300, ']')),
            "line 1, column 257: nesting deeper than 256 levels");
}

}  // namespace
}  // namespace sipconform
