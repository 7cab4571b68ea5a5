#include "cinepipe/qc_result.h"

#include <algorithm>

namespace cinepipe {

const char* to_string(Severity s) {
    switch (s) {
        case Severity::Off:
            return "off";
        case Severity::Info:
            return "info";
        case Severity::Warning:
            return "warning";
        case Severity::Error:
            return "error";
    }
    return "error";
}

std::optional<Timecode> QcResult::timecode_of(std::int64_t index) const {
    const TimecodeAnchor* anchor = nullptr;
    for (const auto& a : timecodes) {
        if (a.frame > index) break;
        anchor = &a;
    }
    if (!anchor) return std::nullopt;
    return anchor->timecode.advanced(index - anchor->frame);
}

std::string QcResult::timecode_at(std::int64_t index) const {
    const auto tc = timecode_of(index);
    return tc ? tc->to_string() : std::string();
}

std::int64_t QcResult::clock_frame(std::int64_t index) const {
    if (timecodes.empty()) return index;
    const TimecodeAnchor* anchor = &timecodes.front();
    for (const auto& a : timecodes) {
        if (a.frame > index) break;
        anchor = &a;
    }
    const Timecode& first = timecodes.front().timecode;
    std::int64_t since = anchor->timecode.frames() - first.frames();
    if (since < 0) since += first.advanced(-first.frames() - 1).frames() + 1;  // past midnight
    return since + index - anchor->frame;
}

bool QcResult::passed() const {
    for (const auto& e : events)
        if (e.severity == Severity::Error) return false;
    return true;
}

}  // namespace cinepipe
