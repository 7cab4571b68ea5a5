#pragma once
// A decoded or synthesised picture. Frames are published as FramePtr (shared, immutable):
// one decoded frame can reach several consumers without a copy. The pixel memory is owned by
// `storage`, which may be a decoder's buffer or a FramePool buffer.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "cinepipe/color_tags.h"
#include "cinepipe/pixel_format.h"
#include "cinepipe/rational.h"
#include "cinepipe/timecode.h"

namespace cinepipe {

struct VideoFrame {
    PixelFormat format = PixelFormat::Yuv422p10;
    int width = 0;
    int height = 0;
    std::array<std::uint8_t*, 4> data{};     // plane pointers (nullptr past `planes`)
    std::array<std::ptrdiff_t, 4> stride{};  // bytes per row, per plane
    std::shared_ptr<void> storage;           // keeps `data` alive
    // For storage others may hold references to that `storage` does not count (a decoder's
    // picture it may still predict from): whether it is referenced only through `storage`.
    // Null: `storage`'s own count says it.
    bool (*storage_unshared)(const void* storage) = nullptr;

    ColorTags tags;
    Rational sample_aspect{1, 1};
    FieldOrder field_order = FieldOrder::Progressive;

    std::int64_t index = 0;  // 0-based position in decode output order
    std::int64_t pts = 0;    // presentation time in `time_base` units
    Rational time_base{1, 24};
    std::int64_t duration = 0;  // in `time_base` units; 0 when unknown
    std::optional<Timecode> timecode;
    bool corrupt = false;  // the decoder flagged this frame as damaged

    [[nodiscard]] const std::uint8_t* plane(int i) const { return data[static_cast<size_t>(i)]; }
    [[nodiscard]] std::uint8_t* mutable_plane(int i) { return data[static_cast<size_t>(i)]; }
    [[nodiscard]] int plane_width(int i) const;
    [[nodiscard]] int plane_height(int i) const;
    // Bytes of picture data in one row of plane `i` (without padding).
    [[nodiscard]] std::size_t row_bytes(int i) const;
};

using FramePtr = std::shared_ptr<const VideoFrame>;

// Whether the holder of `frame` may write its pixels in place: `frame` is the only reference
// to the picture and to its pixels, so no one else can see the change. (The graph hands a
// node the last reference to its input; the colour nodes then grade it in place, which saves
// a picture's memory and a pass through it.)
[[nodiscard]] bool writable_in_place(const FramePtr& frame);

// Copies everything but the pixels (format/size stay as given) so a converted frame keeps its
// source's timing, timecode and tags.
void copy_frame_props(const VideoFrame& from, VideoFrame& to);

// A bounded pool of equally sized picture buffers, recycled when the last frame using one
// is released. Exceeding the bound is a scheduling bug (more frames in flight than the
// pipeline allows), so it throws rather than blocks: a hang would be worse.
class FramePool {
  public:
    FramePool(PixelFormat format, int width, int height, std::size_t max_buffers);
    ~FramePool();
    FramePool(const FramePool&) = delete;
    FramePool& operator=(const FramePool&) = delete;

    // A frame with storage from the pool; properties other than format/size are defaults.
    [[nodiscard]] std::shared_ptr<VideoFrame> acquire();

    [[nodiscard]] std::size_t buffers_allocated() const;
    [[nodiscard]] std::size_t max_buffers() const { return max_buffers_; }
    [[nodiscard]] PixelFormat format() const { return format_; }
    [[nodiscard]] int width() const { return width_; }
    [[nodiscard]] int height() const { return height_; }

  private:
    struct Shared;
    PixelFormat format_;
    int width_;
    int height_;
    std::size_t max_buffers_;
    std::shared_ptr<Shared> shared_;
};

}  // namespace cinepipe
