#include "cinepipe/timecode.h"

#include <gtest/gtest.h>

#include "cinepipe/error.h"

namespace cinepipe {
namespace {

const Rational k24{24, 1};
const Rational k2997{30000, 1001};
const Rational k5994{60000, 1001};
const Rational k23976{24000, 1001};

TEST(Timecode, NonDropFormatsAndCounts) {
    const Timecode tc = Timecode::parse("01:00:00:00", k24);
    EXPECT_EQ(tc.frames(), 86400);
    EXPECT_EQ(tc.to_string(), "01:00:00:00");
    EXPECT_EQ(tc.advanced(23).to_string(), "01:00:00:23");
    EXPECT_EQ(tc.advanced(24).to_string(), "01:00:01:00");
    EXPECT_EQ(tc.advanced(-1).to_string(), "00:59:59:23");
    EXPECT_FALSE(tc.drop_frame());
}

TEST(Timecode, TwentyThreeNineSevenSixCountsTwentyFourFramesPerLabelSecond) {
    const Timecode tc = Timecode::parse("00:00:00:00", k23976);
    EXPECT_EQ(tc.nominal_fps(), 24);
    EXPECT_EQ(tc.advanced(24 * 60).to_string(), "00:01:00:00");
}

TEST(Timecode, DropFrameSkipsTwoLabelsAtMinuteBoundaries) {
    const Timecode tc = Timecode::parse("00:00:59;29", k2997);
    EXPECT_TRUE(tc.drop_frame());
    EXPECT_EQ(tc.frames(), 1799);
    EXPECT_EQ(tc.advanced(1).to_string(), "00:01:00;02");
    EXPECT_EQ(tc.advanced(2).to_string(), "00:01:00;03");
    // Every tenth minute keeps its 00 and 01 labels.
    const Timecode nine = Timecode::parse("00:09:59;29", k2997);
    EXPECT_EQ(nine.advanced(1).to_string(), "00:10:00;00");
}

TEST(Timecode, DropFrameTracksWallClockOverAnHour) {
    // One hour of 29.97 video is 107892 frames; its drop-frame label is exactly one hour.
    const Timecode tc(k2997, true, 107892);
    EXPECT_EQ(tc.to_string(), "01:00:00;00");
    EXPECT_EQ(Timecode::parse("01:00:00;00", k2997).frames(), 107892);
}

TEST(Timecode, FiftyNineNineFourDropsFourLabels) {
    const Timecode tc = Timecode::parse("00:00:59;59", k5994);
    EXPECT_EQ(tc.advanced(1).to_string(), "00:01:00;04");
}

TEST(Timecode, WrapsAtTwentyFourHours) {
    const Timecode tc = Timecode::parse("23:59:59:23", k24);
    EXPECT_EQ(tc.advanced(1).to_string(), "00:00:00:00");
}

TEST(Timecode, RejectsLabelsThatDoNotExist) {
    EXPECT_THROW(Timecode::parse("00:01:00;00", k2997), InputError);  // dropped label
    EXPECT_THROW(Timecode::parse("00:00:00:24", k24), InputError);    // frame 24 at 24 fps
    EXPECT_THROW(Timecode::parse("00:00:00;00", k24), InputError);    // drop frame at 24 fps
    EXPECT_THROW(Timecode::parse("1:2:3", k24), InputError);
    EXPECT_THROW(Timecode::parse("garbage!!!!", k24), InputError);
}

TEST(Rate, ParsesExactNtscRates) {
    EXPECT_EQ(parse_rate("29.97"), (Rational{30000, 1001}));
    EXPECT_EQ(parse_rate("23.976"), (Rational{24000, 1001}));
    EXPECT_EQ(parse_rate("59.94"), (Rational{60000, 1001}));
    EXPECT_EQ(parse_rate("25"), (Rational{25, 1}));
    EXPECT_EQ(parse_rate("24000/1001"), (Rational{24000, 1001}));
    EXPECT_THROW(parse_rate("fast"), InputError);
    EXPECT_THROW(parse_rate("0"), InputError);
    EXPECT_THROW(parse_rate("-24"), InputError);
}

}  // namespace
}  // namespace cinepipe
