#include "qc_check.h"

#include <cmath>
#include <stdexcept>

namespace cinepipe::qc {

std::int64_t ClipFacts::frames_for(double seconds) const {
    return std::max<std::int64_t>(1, std::llround(seconds * fps.to_double()));
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
    };
    return checks;
}

const CheckInfo* find_check(const std::string& name) {
    for (const auto& c : all_checks())
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace cinepipe::qc
