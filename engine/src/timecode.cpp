#include "cinepipe/timecode.h"

#include <algorithm>
#include <array>

#include "av_util.h"
#include "cinepipe/error.h"

extern "C" {
#include <libavutil/timecode.h>
}

namespace cinepipe {

namespace {

int nominal_of(Rational rate) {
    if (!rate.valid())
        throw InputError("timecode needs a valid frame rate, got " + rate.to_string());
    // Below 1 fps (time-lapse, slideshows) a timecode frame still counts one picture.
    return std::max(1, static_cast<int>((rate.num + rate.den / 2) / rate.den));
}

// Timecode frames in 24 hours: the label wraps there.
std::int64_t frames_per_day(int nominal, bool drop) {
    if (!drop) return std::int64_t{24} * 3600 * nominal;
    const std::int64_t drops_per_minute = nominal / 15;  // 2 at 29.97, 4 at 59.94
    const std::int64_t per_ten_minutes = 600LL * nominal - 9 * drops_per_minute;
    return 144 * per_ten_minutes;
}

}  // namespace

bool drop_frame_allowed(Rational rate) {
    return rate == Rational{30000, 1001} || rate == Rational{60000, 1001};
}

Timecode::Timecode(Rational rate, bool drop_frame, std::int64_t frames)
    : rate_(rate), nominal_(nominal_of(rate)), drop_(drop_frame), frames_(0) {
    if (drop_ && nominal_ != 30 && nominal_ != 60)
        throw InputError("drop-frame timecode is only defined for 29.97 and 59.94 fps, not " +
                         rate.to_string());
    const auto day = frames_per_day(nominal_, drop_);
    frames_ = ((frames % day) + day) % day;
}

Timecode Timecode::advanced(std::int64_t n) const {
    return Timecode(rate_, drop_, frames_ + n);
}

std::string Timecode::to_string() const {
    std::int64_t n = frames_;
    if (drop_) n = av_timecode_adjust_ntsc_framenum2(static_cast<int>(n), nominal_);
    const std::int64_t ff = n % nominal_;
    const std::int64_t total_seconds = n / nominal_;
    const std::int64_t ss = total_seconds % 60;
    const std::int64_t mm = (total_seconds / 60) % 60;
    const std::int64_t hh = (total_seconds / 3600) % 24;
    std::array<char, 48> buf{};
    std::snprintf(buf.data(), buf.size(), "%02lld:%02lld:%02lld%c%02lld",
                  static_cast<long long>(hh), static_cast<long long>(mm),
                  static_cast<long long>(ss), drop_ ? ';' : ':', static_cast<long long>(ff));
    return buf.data();
}

Timecode Timecode::parse(const std::string& text, Rational rate, const std::string& what) {
    av::init_logging();  // else libav prints its own complaint beside our one-line error
    const int nominal = nominal_of(rate);
    AVTimecode tc{};
    if (text.size() < 11 ||
        av_timecode_init_from_string(&tc, av::to_av(rate), text.c_str(), nullptr) < 0)
        throw InputError(what + ": invalid timecode '" + text + "' (expected HH:MM:SS:FF)");
    const bool drop = (tc.flags & AV_TIMECODE_FLAG_DROPFRAME) != 0;
    if (drop && nominal != 30 && nominal != 60)
        throw InputError(what + ": drop-frame timecode '" + text + "' at " + rate.to_string() +
                         " fps (only 29.97 and 59.94 have drop frame)");
    Timecode parsed(rate, drop, tc.start);
    // libav accepts labels that do not exist (frame 30 at 30 fps, a dropped label); the
    // round trip through our own formatting catches them.
    std::string normalised = text;
    if (normalised.size() > 8 && (normalised[8] == '.' || normalised[8] == ';'))
        normalised[8] = ';';
    if (parsed.to_string() != normalised)
        throw InputError(what + ": timecode '" + text + "' does not exist at " + rate.to_string() +
                         " fps" + (drop ? " drop-frame" : ""));
    return parsed;
}

}  // namespace cinepipe
