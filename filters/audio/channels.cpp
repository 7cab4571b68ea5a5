#include "channels.h"

#include <fmt/format.h>

#include <array>
#include <bit>

namespace cinepipe::qc {

std::uint64_t assumed_channel_mask(const AudioStreamInfo& stream) {
    if (stream.channel_mask != 0) return stream.channel_mask;
    // av_channel_layout_default() of FFmpeg 5.1, by channel count.
    static constexpr std::array<std::uint64_t, 9> kDefault = {0,
                                                              0x4 /* mono: FC */,
                                                              0x3 /* stereo */,
                                                              0xb /* 2.1 */,
                                                              0x107 /* 4.0 */,
                                                              0x37 /* 5.0 */,
                                                              0x3f /* 5.1 */,
                                                              0x70f /* 6.1 */,
                                                              0x63f /* 7.1 */};
    if (stream.channels > 0 && stream.channels < static_cast<int>(kDefault.size()))
        return kDefault[static_cast<std::size_t>(stream.channels)];
    return 0;
}

std::uint64_t channel_position(std::uint64_t mask, int index) {
    for (int i = 0; mask != 0; ++i) {
        const std::uint64_t bit = mask & (~mask + 1);  // lowest set bit
        if (i == index) return bit;
        mask &= mask - 1;
    }
    return 0;
}

std::string position_name(std::uint64_t bit) {
    static constexpr std::array<const char*, 36> kNames = {
        "FL",  "FR",  "FC",  "LFE", "BL",  "BR",  "FLC", "FRC", "BC", "SL",  "SR",  "TC",
        "TFL", "TFC", "TFR", "TBL", "TBC", "TBR", "",    "",    "",   "",    "",    "",
        "",    "",    "",    "",    "",    "DL",  "DR",  "WL",  "WR", "SDL", "SDR", "LFE2"};
    if (bit == 0 || (bit & (bit - 1)) != 0) return "";
    const auto at = static_cast<std::size_t>(std::countr_zero(bit));
    return at < kNames.size() ? kNames[at] : "";
}

std::string describe_channels(const ClipFacts& clip, int stream, const std::vector<int>& channels) {
    const AudioStreamInfo* info = nullptr;
    if (clip.source && stream >= 0 && stream < static_cast<int>(clip.source->audio.size()))
        info = &clip.source->audio[static_cast<std::size_t>(stream)];
    auto one = [&](int c) {
        const std::string name =
            info ? position_name(channel_position(info->channel_mask, c)) : std::string();
        return name.empty() ? std::to_string(c + 1) : fmt::format("{} ({})", c + 1, name);
    };
    std::string list;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        if (i > 0) list += i + 1 == channels.size() ? " and " : ", ";
        list += one(channels[i]);
    }
    std::string out = (channels.size() == 1 ? "channel " : "channels ") + list;
    if (clip.source && clip.source->audio.size() > 1)
        out = fmt::format("stream {} {}", stream + 1, out);
    return out;
}

std::string seconds_label(std::int64_t sample, int sample_rate) {
    return fmt::format("{:.3f} s",
                       sample_rate > 0 ? static_cast<double>(sample) / sample_rate : 0.0);
}

}  // namespace cinepipe::qc
