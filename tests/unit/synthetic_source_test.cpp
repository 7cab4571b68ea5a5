// The sample dailies' slate: one white frame and a 1 kHz beep of exactly that frame's
// samples, so sync checks have a known answer (offset 0), before and after encoding.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "cinepipe/samples.h"
#include "cinepipe/transcode.h"
#include "test_support.h"

namespace cinepipe {
namespace {

struct SlateFound {
    std::vector<std::int64_t> white_frames;   // frames whose luma is near white across a row
    std::vector<std::int64_t> beep_frames;    // frames whose audio is the -12 dBFS beep
    std::vector<std::int64_t> silent_frames;  // frames whose audio is digital silence
    int beep_zero_crossings = 0;              // in the beep frame, left channel
};

// Each unit carries the audio that plays during its frame, so the slate can be read frame
// by frame: the beep must sit in exactly the flash frame.
SlateFound scan(MediaReader& reader) {
    SlateFound found;
    while (auto unit = reader.next()) {
        if (!unit->video) continue;
        const VideoFrame& f = *unit->video;
        const auto* row =
            reinterpret_cast<const std::uint16_t*>(f.plane(0) + f.stride[0] * (f.height / 2));
        bool white = true;  // 10-bit limited white is 940
        for (int x = 0; x < f.width / 2; ++x) white = white && row[x] > 900;
        if (white) found.white_frames.push_back(f.index);
        if (unit->audio.empty()) continue;
        const AudioBuffer& a = unit->audio.front();
        double energy = 0;
        int crossings = 0;
        for (std::int64_t i = 0; i < a.frames(); ++i) {
            const float v = a.samples[static_cast<std::size_t>(i * a.channels)];
            energy += double(v) * v;
            if (i > 0 && (v > 0) != (a.samples[static_cast<std::size_t>((i - 1) * a.channels)] > 0))
                ++crossings;
        }
        const double rms = a.frames() ? std::sqrt(energy / double(a.frames())) : 0;
        if (rms > 0.15) {  // the beep: 0.25 peak, 0.177 RMS; the tone after the slate is 0.071
            found.beep_frames.push_back(f.index);
            found.beep_zero_crossings = crossings;
        }
        if (rms < 1e-6) found.silent_frames.push_back(f.index);
    }
    return found;
}

void expect_slate(const SlateFound& s) {
    EXPECT_EQ(s.white_frames, std::vector<std::int64_t>{24});
    EXPECT_EQ(s.beep_frames, std::vector<std::int64_t>{24});
    // 1 kHz during 1/24 s: 83 or 84 sign changes.
    EXPECT_NEAR(s.beep_zero_crossings, 83, 2);
    // The rest of the slate (frames 0-23 and 25-35) is digital silence.
    std::vector<std::int64_t> expected_silence;
    for (std::int64_t i = 0; i < 36; ++i)
        if (i != 24) expected_silence.push_back(i);
    EXPECT_EQ(s.silent_frames, expected_silence);
}

SyntheticOptions slate_clip() {
    SyntheticOptions o;
    o.width = 256;
    o.height = 144;
    o.frames = 48;
    o.rate = {24, 1};
    o.flash_frame = 24;
    return o;
}

TEST(SyntheticSource, FlashAndBeepShareExactlyOneFrame) {
    auto source = make_synthetic_source(slate_clip());
    expect_slate(scan(*source));
}

TEST(SyntheticSource, SlateSurvivesEncodingInSync) {
    test::TempDir dir;
    auto source = make_synthetic_source(slate_clip());
    WriterConfig cfg = writer_config_for(source->info(), dir / "slate.mov");  // ProRes HQ, PCM 24
    CancelToken cancel;
    encode(*source, cfg, {}, cancel);
    auto reader = MediaReader::open(dir / "slate.mov");
    expect_slate(scan(*reader));
}

TEST(SyntheticSource, ConsecutiveFramesDiffer) {
    // Moving content: QC and codecs must see real change from frame to frame after the slate.
    auto source = make_synthetic_source(slate_clip());
    FramePtr previous;
    int identical = 0;
    while (auto unit = source->next()) {
        const FramePtr f = unit->video;
        if (f->index > 36 && previous) {
            bool same = true;
            for (int y = 0; y < f->height && same; ++y)
                same =
                    std::memcmp(f->plane(0) + f->stride[0] * y,
                                previous->plane(0) + previous->stride[0] * y, f->row_bytes(0)) == 0;
            identical += same ? 1 : 0;
        }
        previous = f;
    }
    EXPECT_EQ(identical, 0);
}

}  // namespace
}  // namespace cinepipe
