// QcResult's frame bookkeeping: timecodes and places on the source's clock across a gap.

#include <gtest/gtest.h>

#include "cinepipe/qc_result.h"

namespace cinepipe {
namespace {

TEST(QcResult, ClockFrameFollowsTimestampGaps) {
    QcResult r;
    EXPECT_EQ(r.clock_frame(7), 7);  // no timecode: the index itself
    const Rational rate{24, 1};
    r.timecodes = {{0, Timecode(rate, false, 86400)}, {10, Timecode(rate, false, 86415)}};
    EXPECT_EQ(r.clock_frame(3), 3);
    EXPECT_EQ(r.clock_frame(10), 15);  // five frames missing before frame 10
    EXPECT_EQ(r.clock_frame(12), 17);
    EXPECT_EQ(r.timecode_at(12), "01:00:00:17");
}

TEST(QcResult, ClockFrameAcrossMidnight) {
    QcResult r;
    const Rational rate{25, 1};
    const Timecode before_midnight(rate, false, 24 * 3600 * 25 - 5);
    r.timecodes = {{0, before_midnight}, {4, before_midnight.advanced(6)}};
    EXPECT_EQ(r.clock_frame(4), 6);
    EXPECT_EQ(r.clock_frame(5), 7);
}

}  // namespace
}  // namespace cinepipe
