#include "channel_findings.h"

#include <algorithm>
#include <tuple>

namespace cinepipe::qc {

std::vector<std::vector<ChannelFinding>> group_across_channels(
    std::vector<ChannelFinding> findings) {
    auto key = [](const ChannelFinding& f) {
        return std::tuple(f.first_frame, f.last_frame, f.stream, f.channel);
    };
    std::sort(findings.begin(), findings.end(),
              [&](const ChannelFinding& a, const ChannelFinding& b) { return key(a) < key(b); });
    std::vector<std::vector<ChannelFinding>> groups;
    for (const auto& f : findings) {
        if (!groups.empty()) {
            const ChannelFinding& g = groups.back().front();
            if (g.stream == f.stream && g.first_frame == f.first_frame &&
                g.last_frame == f.last_frame) {
                groups.back().push_back(f);
                continue;
            }
        }
        groups.push_back({f});
    }
    return groups;
}

std::vector<int> channels_of(const std::vector<ChannelFinding>& group) {
    std::vector<int> out;
    for (const auto& f : group) out.push_back(f.channel);
    return out;
}

}  // namespace cinepipe::qc
