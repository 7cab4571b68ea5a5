#include "qc_check.h"

#include <cmath>
#include <stdexcept>

namespace cinepipe::qc {

std::int64_t ClipFacts::frames_for(double seconds) const {
    return std::max<std::int64_t>(1, std::llround(seconds * fps.to_double()));
}

namespace {

// floor(a * b / c) for non-negative a and positive b, c, without overflow for hours of audio.
std::int64_t mul_div_floor(std::int64_t a, std::int64_t b, std::int64_t c) {
    return static_cast<std::int64_t>(static_cast<__int128>(a) * b / c);
}

}  // namespace

std::int64_t AudioBlock::frame_of(std::int64_t i) const {
    if (tail_start < 0 || audio.sample_rate <= 0 || !fps.valid()) return frame;
    const std::int64_t since = std::max<std::int64_t>(0, audio.pts + i - tail_start);
    return frame + mul_div_floor(since, fps.num, fps.den * audio.sample_rate);
}

std::int64_t AudioBlock::first_sample_of(std::int64_t f) const {
    if (audio.sample_rate <= 0 || !fps.valid()) return audio.pts + audio.frames();
    // ceil((f - frame) * sample_rate / fps)
    const std::int64_t scaled = (f - frame) * fps.den * audio.sample_rate;
    return tail_start + (scaled + fps.num - 1) / fps.num;
}

ParamSpec float_param(std::string name, double default_value, double min, double max,
                      std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Float;
    p.default_value = default_value;
    p.min = min;
    p.max = max;
    p.help = std::move(help);
    return p;
}

ParamSpec severity_param(Severity default_severity, std::string name) {
    return choice_param(std::move(name), {"off", "info", "warning", "error"},
                        std::string(to_string(default_severity)),
                        "How an event counts: error fails the verdict; off disables the check");
}

Severity parse_severity(const std::string& text) {
    if (text == "off") return Severity::Off;
    if (text == "info") return Severity::Info;
    if (text == "warning") return Severity::Warning;
    if (text == "error") return Severity::Error;
    throw std::invalid_argument("severity must be off, info, warning or error, got '" + text + "'");
}

std::optional<std::pair<std::int64_t, std::int64_t>> RunTracker::update(std::int64_t index,
                                                                       bool in_run) {
    std::optional<std::pair<std::int64_t, std::int64_t>> ended;
    if (in_run) {
        if (start_ >= 0 && index != last_ + 1) ended = flush();
        if (start_ < 0) start_ = index;
        last_ = index;
    } else if (start_ >= 0) {
        ended = flush();
    }
    return ended;
}

std::optional<std::pair<std::int64_t, std::int64_t>> RunTracker::flush() {
    if (start_ < 0) return std::nullopt;
    std::pair<std::int64_t, std::int64_t> r{start_, last_};
    start_ = -1;
    return r;
}

const std::vector<CheckInfo>& all_checks() {
    static const std::vector<CheckInfo> checks = {
        black_check(),          freeze_check(),       flash_check(),
        digital_hit_check(),    decode_error_check(), dropped_frame_check(),
        illegal_levels_check(), blockiness_check(),   interlace_check(),
        duration_mismatch_check(),
        // Sound.
        loudness_check(),       silence_check(),      clipping_check(),
        phase_check(),          audio_layout_check(),   av_sync_check(),
    };
    return checks;
}

const CheckInfo* find_check(const std::string& name) {
    for (const auto& c : all_checks())
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace cinepipe::qc
