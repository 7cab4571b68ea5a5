#include "cinepipe/frame_hash.h"

#include <array>
#include <cstdio>

extern "C" {
#include <libavutil/md5.h>
}

#include "av_util.h"

namespace cinepipe {

std::size_t frame_data_size(const VideoFrame& frame) {
    std::size_t size = 0;
    for (int p = 0; p < info(frame.format).planes; ++p)
        size += frame.row_bytes(p) * static_cast<std::size_t>(frame.plane_height(p));
    return size;
}

std::string frame_md5(const VideoFrame& frame) {
    struct Free {
        void operator()(AVMD5* m) const { av_free(m); }
    };
    std::unique_ptr<AVMD5, Free> md5(av_md5_alloc());
    if (!md5) throw std::bad_alloc();
    av_md5_init(md5.get());
    for (int p = 0; p < info(frame.format).planes; ++p) {
        const std::uint8_t* row = frame.plane(p);
        for (int y = 0; y < frame.plane_height(p);
             ++y, row += frame.stride[static_cast<std::size_t>(p)])
            av_md5_update(md5.get(), row, frame.row_bytes(p));
    }
    std::array<std::uint8_t, 16> digest{};
    av_md5_final(md5.get(), digest.data());
    std::string hex;
    for (const auto b : digest) {
        std::array<char, 3> two{};
        std::snprintf(two.data(), two.size(), "%02x", b);
        hex += two.data();
    }
    return hex;
}

}  // namespace cinepipe
