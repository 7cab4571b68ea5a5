#pragma once
// One decoded picture to a small sRGB JPEG (thumbnails.h): private to the engine because it
// speaks libav types.

#include <cstdint>
#include <string>

#include "av_util.h"
#include "cinepipe/color_tags.h"
#include "cinepipe/rational.h"

namespace cinepipe {

class ThumbnailEncoder {
  public:
    // `width` wide; the height from the picture's size and `sample_aspect`, made even.
    ThumbnailEncoder(int width, int quality);
    ~ThumbnailEncoder();
    ThumbnailEncoder(const ThumbnailEncoder&) = delete;
    ThumbnailEncoder& operator=(const ThumbnailEncoder&) = delete;

    struct Image {
        int width = 0;
        int height = 0;
        std::string jpeg;
    };
    // `tags` as the picture carries them (unspecified entries filled from the stream). Throws
    // std::runtime_error when libav cannot convert or encode.
    Image encode(const AVFrame& picture, const ColorTags& tags, Rational sample_aspect);

  private:
    void open_encoder(int width, int height);

    int width_;
    int quality_;
    av::SwsPtr shrink_;   // the picture -> RGB48 at thumbnail size
    av::SwsPtr to_jpeg_;  // RGB24 -> full-range 4:2:0, JPEG's own YCbCr
    av::CodecContext encoder_;
    av::FramePtr rgb48_;
    av::FramePtr rgb24_;
    av::FramePtr yuv_;
    av::PacketPtr packet_;
    std::int64_t next_pts_ = 0;
};

}  // namespace cinepipe
