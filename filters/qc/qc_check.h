#pragma once
// Private to filters/qc and filters/audio: the checks behind the `qc` analyser. A check sees one
// Observation per frame, in order (the measurements the QcAnalyser computed once for all
// checks), and each audio stream's samples as they play (an AudioBlock per unit), keeps what
// state it needs, and reports QcEvents; stream-level checks also look at the reader's record
// when the clip ends.

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cinepipe/audio.h"
#include "cinepipe/media_info.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/params.h"
#include "cinepipe/qc_result.h"

namespace cinepipe::qc {

// The picture is measured on a 16x9 grid of blocks: enough for area rules (a flash over a
// quarter of the screen, a garbage block) at a cost independent of the frame size.
constexpr int kGridX = 16;
constexpr int kGridY = 9;
constexpr int kBlocks = kGridX * kGridY;

// Thresholds the checks need counted while the picture is read, in fractions of the nominal
// range (0 = legal black, 1 = legal white; chroma 0..1 = 16..240 at 8 bits).
struct MeasureConfig {
    double black_level = 0.10;  // a pixel at or below this is black
    bool levels = false;
    double luma_low = -0.01, luma_high = 1.03;
    double chroma_low = -0.01, chroma_high = 1.01;
    double gamut_low = -0.05, gamut_high = 1.05;
    bool blockiness = false;
    bool comb = false;
    double comb_threshold = 0.04;  // a line standing out from both neighbours by this much
    // The three-frame block difference (frame i-1 against i+1) is computed after a frame whose
    // largest block difference reaches this; a digital hit needs it.
    double skip_diff_after = 2.0;  // never, unless a check asks
};

struct Observation {
    std::int64_t index = 0;
    bool corrupt = false;
    std::int64_t pts = 0;
    std::int64_t duration = 0;  // 0 when unknown
    Rational time_base{1, 24};
    // Luma, code values of the picture's own depth, and normalised (0 black .. 1 white).
    double luma_min = 0, luma_max = 0, luma_avg = 0;
    double norm_avg = 0;
    double black_fraction = 0;  // pixels at or below MeasureConfig::black_level
    double luma_out_fraction = 0;  // outside luma_low..luma_high
    double chroma_out_fraction = 0;
    double gamut_out_fraction = 0;  // RGB (from YUV where needed) outside gamut_low..high
    std::int64_t nonfinite = 0;     // NaN/Inf samples of a float picture
    std::array<float, kBlocks> block_luma{};  // normalised block averages
    std::array<std::array<float, 3>, kBlocks> block_rgb{};  // display R,G,B 0..1 per block
    // Against the previous frame (absent for the first): mean absolute luma difference in
    // fractions of the range, per block, and whether the luma is bit-identical.
    double diff = -1;
    std::array<float, kBlocks> block_diff{};
    bool identical = false;
    // Frame i-2 against this one (per block), when the previous frame asked for it.
    std::optional<std::array<float, kBlocks>> block_diff_skip;
    double blockiness = 1;      // boundary / interior gradient ratio; 1 = no block structure
    double comb_fraction = 0;   // pixels on lines that stand out from both neighbours
    int field_vote = 0;         // +1 the motion says top field first, -1 bottom, 0 unsure
};

// What every check may need to know about the clip.
struct ClipFacts {
    Rational fps{24, 1};
    FieldOrder field_order = FieldOrder::Unknown;
    bool full_range = false;
    bool rgb = false;
    bool float_samples = false;
    const MediaInfo* source = nullptr;
    const ReadStats* stats = nullptr;  // complete in finish()
    [[nodiscard]] std::int64_t frames_for(double seconds) const;  // at least 1
};

// One audio stream's samples of one unit, placed on the picture's frames. The reader cuts
// audio at frame boundaries by time, so every sample of a unit with a picture plays with that
// picture (after a timestamp gap too). Audio past the last picture comes in larger chunks;
// there a sample's frame is counted at the nominal rate from the end of the last picture's audio
// (and reports clamp it to the last picture).
struct AudioBlock {
    const AudioBuffer& audio;  // pts: samples from the one that plays with the first frame
    int stream = 0;            // index in MediaInfo::audio (the streams the reader delivers)
    std::int64_t frame = 0;    // the frame the first sample plays with
    // Past the last picture: the sample position at which `frame` starts; -1 otherwise.
    std::int64_t tail_start = -1;
    Rational fps{24, 1};

    // The frame that sample `i` of the block (0-based, per channel) plays with.
    [[nodiscard]] std::int64_t frame_of(std::int64_t i) const;
    // Calls fn(frame, begin, end) for each run [begin, end) of the block's samples that play
    // with one frame, in order.
    template <class Fn>
    void for_each_frame(Fn&& fn) const {
        const std::int64_t n = audio.frames();
        if (tail_start < 0) {
            if (n > 0) fn(frame, std::int64_t{0}, n);
            return;
        }
        for (std::int64_t begin = 0; begin < n;) {
            const std::int64_t f = frame_of(begin);
            std::int64_t end = begin + 1;
            // The first sample of frame f + 1, relative to this block.
            const std::int64_t next = first_sample_of(f + 1) - audio.pts;
            end = std::clamp(next, end, n);
            fn(f, begin, end);
            begin = end;
        }
    }

  private:
    [[nodiscard]] std::int64_t first_sample_of(std::int64_t f) const;
};

class Check {
  public:
    virtual ~Check() = default;
    virtual void observe(const Observation& o, std::vector<QcEvent>& events) = 0;
    // Each audio stream's samples of a unit, in order (after the unit's picture, if it has
    // one). Picture checks ignore them.
    virtual void observe_audio(const AudioBlock& block, std::vector<QcEvent>& events) {
        (void)block;
        (void)events;
    }
    // After the last frame: close open ranges; stream checks read ClipFacts::stats.
    virtual void finish(std::int64_t frames, std::vector<QcEvent>& events) {
        (void)frames;
        (void)events;
    }
    // Whole-clip figures for the report's "measurements".
    virtual void measurements(std::vector<std::pair<std::string, double>>& out) const {
        (void)out;
    }
    // After finish(): the per-frame sound levels for the report's plots, from the one check
    // that measures them (`loudness`); the rest leave `out` alone.
    virtual void audio_series(std::vector<AudioFrameStats>& out) { (void)out; }
};

// A check on the sound only: sees no pictures.
class AudioCheck : public Check {
  public:
    void observe(const Observation&, std::vector<QcEvent>&) final {}
    void observe_audio(const AudioBlock& block, std::vector<QcEvent>& events) override = 0;
};

struct CheckInfo {
    std::string name;  // the check's name in events and profiles, and its node type
    std::string help;
    Severity default_severity = Severity::Error;
    std::vector<ParamSpec> params;  // besides "severity"
    // May tighten `measure` for what the check needs counted.
    std::function<std::unique_ptr<Check>(const ParamSet&, Severity, const ClipFacts&,
                                         MeasureConfig&)>
        create;
};

// Every check, in report order.
const std::vector<CheckInfo>& all_checks();
const CheckInfo* find_check(const std::string& name);

// A float parameter with a range, for check schemas.
ParamSpec float_param(std::string name, double default_value, double min, double max,
                      std::string help);
ParamSpec severity_param(Severity default_severity, std::string name = "severity");
Severity parse_severity(const std::string& text);

// Consecutive frames meeting a condition: reports [start, end] of each run once it ends.
class RunTracker {
  public:
    // Returns the run that ended just before `index`, if one did.
    std::optional<std::pair<std::int64_t, std::int64_t>> update(std::int64_t index, bool in_run);
    std::optional<std::pair<std::int64_t, std::int64_t>> flush();
    [[nodiscard]] bool open() const { return start_ >= 0; }
    [[nodiscard]] std::int64_t start() const { return start_; }

  private:
    std::int64_t start_ = -1;
    std::int64_t last_ = -1;
};

// Per-check factories (one file each).
CheckInfo black_check();
CheckInfo freeze_check();
CheckInfo flash_check();
CheckInfo digital_hit_check();
CheckInfo illegal_levels_check();
CheckInfo blockiness_check();
CheckInfo interlace_check();
CheckInfo decode_error_check();
CheckInfo dropped_frame_check();
CheckInfo duration_mismatch_check();
// Sound (filters/audio/).
CheckInfo loudness_check();
CheckInfo silence_check();
CheckInfo clipping_check();
CheckInfo phase_check();
CheckInfo audio_layout_check();
CheckInfo av_sync_check();

}  // namespace cinepipe::qc
