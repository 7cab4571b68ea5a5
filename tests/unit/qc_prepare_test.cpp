// The qc analyser measures part of each picture in prepare(), many pictures at once and in any
// order, and takes each picture's difference from the one before there too. Its report must
// not depend on that: the same pictures consumed with and without prepare(), and with
// prepare() called in a scrambled order from many threads, give the same report, and each
// picture's difference is the one computed here from the samples.

#include <gtest/gtest.h>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cinepipe/builtin_filters.h"
#include "cinepipe/filter_registry.h"
#include "cinepipe/frame.h"
#include "cinepipe/media_reader.h"
#include "tsan_hand_over.h"

namespace cinepipe {
namespace {

constexpr int kWidth = 96;
constexpr int kHeight = 64;

// Picture `content` of a clip with index `index` (10-bit 4:2:2): a gradient that moves with
// `content`, so neighbouring pictures differ by a known amount; `hit` puts garbage in a
// corner.
FramePtr picture(std::int64_t index, int content, bool hit = false) {
    FramePool pool(PixelFormat::Yuv422p10, kWidth, kHeight, 1);
    auto f = pool.acquire();
    f->tags = rec709_limited();
    f->index = index;
    f->pts = index;
    f->duration = 1;
    f->time_base = {1, 24};
    for (int p = 0; p < 3; ++p)
        for (int y = 0; y < f->plane_height(p); ++y) {
            auto* row = reinterpret_cast<std::uint16_t*>(f->mutable_plane(p) + y * f->stride[p]);
            for (int x = 0; x < f->plane_width(p); ++x)
                row[x] = static_cast<std::uint16_t>(
                    p == 0 ? 64 + (x * 5 + y * 3 + content * 37) % 876 : 512 + (x + content) % 64);
        }
    if (hit)
        for (int y = 0; y < kHeight / 2; ++y) {
            auto* row = reinterpret_cast<std::uint16_t*>(f->mutable_plane(0) + y * f->stride[0]);
            for (int x = 0; x < kWidth / 2; ++x)
                row[x] = static_cast<std::uint16_t>(64 + (x * 7919 + y * 104729) % 876);
        }
    return f;
}

// The mean absolute luma difference in percent of the legal range, as the report states it.
double percent_difference(const VideoFrame& a, const VideoFrame& b) {
    double sum = 0;
    for (int y = 0; y < kHeight; ++y) {
        const auto* pa = reinterpret_cast<const std::uint16_t*>(a.plane(0) + y * a.stride[0]);
        const auto* pb = reinterpret_cast<const std::uint16_t*>(b.plane(0) + y * b.stride[0]);
        for (int x = 0; x < kWidth; ++x) sum += std::abs(int(pa[x]) - int(pb[x]));
    }
    return 100 * sum / (double(kWidth) * kHeight * 876);
}

// 48 pictures: moving, then frozen (12..23), a one-picture flash (30), still (32..37) with a
// digital hit (34), and no picture 40 (index 41 follows 39).
std::vector<FramePtr> clip() {
    std::vector<FramePtr> frames;
    for (std::int64_t i = 0; i < 48; ++i) {
        if (i == 40) continue;
        int content = static_cast<int>(i);
        if (i >= 12 && i < 24) content = 11;
        if (i == 30) content = 400;
        if (i >= 32 && i < 38) content = 32;
        frames.push_back(picture(i, content, i == 34));
    }
    return frames;
}

enum class Mode { ConsumeOnly, PrepareAllFirst, PrepareInterleaved };

QcResult run(const std::vector<FramePtr>& frames, Mode mode) {
    FilterRegistry registry;
    register_qc_filters(registry);
    const FilterInfo* info = registry.find("qc");
    EXPECT_NE(info, nullptr);
    std::map<std::string, RawValue> raw;
    raw["freeze.min_duration"] = RawValue{"0.25", false};
    NodeContext ctx;
    ctx.id = "qc";
    auto node = info->create(validate_params(info->params, raw), ctx);
    StreamDesc desc;
    desc.format = PixelFormat::Yuv422p10;
    desc.width = kWidth;
    desc.height = kHeight;
    desc.tags = rec709_limited();
    node->configure(desc);
    EXPECT_TRUE(node->prepares());
    const auto consume = [&](const FramePtr& f) {
        MediaUnit unit;
        unit.video = f;
        node->consume(unit);
    };
    if (mode == Mode::PrepareAllFirst) {
        // Scrambled, from many threads at once.
        std::vector<std::size_t> order(frames.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), std::mt19937(7));
        tbb::parallel_for(std::size_t{0}, order.size(), [&](std::size_t k) {
            node->prepare(frames[order[k]]);
            tsan_release(node.get());  // libtbb's own hand-over is invisible to TSan
        });
        tsan_acquire(node.get());
        for (const auto& f : frames) consume(f);
    } else if (mode == Mode::PrepareInterleaved) {
        // Each picture consumed before its successor is prepared: no pair is compared ahead.
        for (const auto& f : frames) {
            node->prepare(f);
            consume(f);
        }
    } else {
        for (const auto& f : frames) consume(f);
    }
    node->finish();
    return *node->qc_result();
}

TEST(QcPrepare, DifferencesAndReportDoNotDependOnHowPicturesArePrepared) {
    const std::vector<FramePtr> frames = clip();
    const QcResult alone = run(frames, Mode::ConsumeOnly);
    ASSERT_EQ(alone.frames, static_cast<std::int64_t>(frames.size()));
    // Each picture's difference from the one delivered before it, computed here.
    ASSERT_EQ(alone.per_frame.size(), frames.size());
    EXPECT_EQ(alone.per_frame[0].diff, -1.0F);
    for (std::size_t i = 1; i < frames.size(); ++i)
        EXPECT_NEAR(alone.per_frame[i].diff, percent_difference(*frames[i], *frames[i - 1]), 1e-3)
            << "picture " << frames[i]->index;
    EXPECT_EQ(alone.per_frame[13].diff, 0.0F);   // frozen
    EXPECT_GT(alone.per_frame[30].diff, 10.0F);  // the flash
    const auto has = [](const QcResult& r, const std::string& check) {
        return std::any_of(r.events.begin(), r.events.end(),
                           [&](const QcEvent& e) { return e.check == check; });
    };
    EXPECT_TRUE(has(alone, "freeze"));
    EXPECT_TRUE(has(alone, "digital_hit"));  // needs the difference of pictures i and i-2

    for (const Mode mode : {Mode::PrepareAllFirst, Mode::PrepareInterleaved}) {
        const QcResult prepared = run(frames, mode);
        SCOPED_TRACE(mode == Mode::PrepareAllFirst ? "prepared first" : "interleaved");
        ASSERT_EQ(prepared.per_frame.size(), alone.per_frame.size());
        for (std::size_t i = 0; i < alone.per_frame.size(); ++i) {
            EXPECT_EQ(prepared.per_frame[i].diff, alone.per_frame[i].diff) << "picture " << i;
            EXPECT_EQ(prepared.per_frame[i].luma_avg, alone.per_frame[i].luma_avg);
        }
        ASSERT_EQ(prepared.events.size(), alone.events.size());
        for (std::size_t i = 0; i < alone.events.size(); ++i) {
            EXPECT_EQ(prepared.events[i].check, alone.events[i].check);
            EXPECT_EQ(prepared.events[i].start_frame, alone.events[i].start_frame);
            EXPECT_EQ(prepared.events[i].end_frame, alone.events[i].end_frame);
            EXPECT_EQ(prepared.events[i].value, alone.events[i].value);
        }
        EXPECT_EQ(prepared.measurements, alone.measurements);
    }
}

}  // namespace
}  // namespace cinepipe
