#pragma once
// Private to filters/qc: the checks behind the `qc` analyser. A check sees one Observation per
// frame, in order (the measurements the QcAnalyser computed once for all checks), keeps what
// state it needs, and reports QcEvents; stream-level checks also look at the reader's record
// when the clip ends.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

class Check {
  public:
    virtual ~Check() = default;
    virtual void observe(const Observation& o, std::vector<QcEvent>& events) = 0;
    // After the last frame: close open ranges; stream checks read ClipFacts::stats.
    virtual void finish(std::int64_t frames, std::vector<QcEvent>& events) {
        (void)frames;
        (void)events;
    }
    // Whole-clip figures for the report's "measurements".
    virtual void measurements(std::vector<std::pair<std::string, double>>& out) const {
        (void)out;
    }
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

}  // namespace cinepipe::qc
