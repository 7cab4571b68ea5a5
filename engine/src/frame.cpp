#include "cinepipe/frame.h"

#include <mutex>
#include <stdexcept>
#include <vector>

#include "picture_memory.h"

namespace cinepipe {

int VideoFrame::plane_width(int i) const {
    const auto& fi = info(format);
    if (fi.family == ColorFamily::Yuv && (i == 1 || i == 2))
        return (width + (1 << fi.chroma_shift_x) - 1) >> fi.chroma_shift_x;
    return width;
}

int VideoFrame::plane_height(int i) const {
    const auto& fi = info(format);
    if (fi.family == ColorFamily::Yuv && (i == 1 || i == 2))
        return (height + (1 << fi.chroma_shift_y) - 1) >> fi.chroma_shift_y;
    return height;
}

std::size_t VideoFrame::row_bytes(int i) const {
    const auto& fi = info(format);
    const std::size_t bytes_per_sample = fi.sample == SampleType::U8    ? 1
                                         : fi.sample == SampleType::U16 ? 2
                                                                        : 4;
    const std::size_t per_pixel =
        fi.planes == 1 ? bytes_per_sample * fi.components : bytes_per_sample;
    return per_pixel * static_cast<std::size_t>(plane_width(i));
}

void copy_frame_props(const VideoFrame& from, VideoFrame& to) {
    to.tags = from.tags;
    to.sample_aspect = from.sample_aspect;
    to.field_order = from.field_order;
    to.index = from.index;
    to.pts = from.pts;
    to.time_base = from.time_base;
    to.duration = from.duration;
    to.timecode = from.timecode;
    to.corrupt = from.corrupt;
}

namespace {
constexpr std::size_t kAlign = 64;  // cache line and widest SIMD load
std::size_t align_up(std::size_t v) {
    return (v + kAlign - 1) / kAlign * kAlign;
}

struct PictureMemoryFree {
    void operator()(std::uint8_t* p) const { free_picture_memory(p); }
};
using Buffer = std::unique_ptr<std::uint8_t, PictureMemoryFree>;
}  // namespace

struct FramePool::Shared {
    std::mutex mutex;
    std::vector<Buffer> free;
    std::size_t allocated = 0;
    std::size_t buffer_bytes = 0;
    std::array<std::size_t, 4> offsets{};
    std::array<std::ptrdiff_t, 4> strides{};
};

FramePool::FramePool(PixelFormat format, int width, int height, std::size_t max_buffers)
    : format_(format),
      width_(width),
      height_(height),
      max_buffers_(max_buffers),
      shared_(std::make_shared<Shared>()) {
    if (width <= 0 || height <= 0) throw std::invalid_argument("FramePool: empty frame size");
    VideoFrame layout;
    layout.format = format;
    layout.width = width;
    layout.height = height;
    std::size_t offset = 0;
    for (int p = 0; p < info(format).planes; ++p) {
        const auto stride = align_up(layout.row_bytes(p));
        shared_->offsets[static_cast<std::size_t>(p)] = offset;
        shared_->strides[static_cast<std::size_t>(p)] = static_cast<std::ptrdiff_t>(stride);
        offset += stride * static_cast<std::size_t>(layout.plane_height(p));
    }
    shared_->buffer_bytes = offset;
    // Returning a buffer happens in a deleter (and in libav's C free callback), where an
    // allocation failure could not be reported: the free list never has to grow there.
    shared_->free.reserve(max_buffers);
}

bool writable_in_place(const FramePtr& frame) {
    if (!frame || frame.use_count() != 1 || !frame->storage || frame->storage.use_count() != 1)
        return false;
    return !frame->storage_unshared || frame->storage_unshared(frame->storage.get());
}

FramePool::~FramePool() = default;

std::shared_ptr<VideoFrame> FramePool::acquire() {
    Buffer buffer;
    {
        std::lock_guard lock(shared_->mutex);
        if (!shared_->free.empty()) {
            buffer = std::move(shared_->free.back());
            shared_->free.pop_back();
        } else if (shared_->allocated >= max_buffers_) {
            throw std::logic_error("frame pool exhausted: more frames in flight than its bound (" +
                                   std::to_string(max_buffers_) + ")");
        } else {
            buffer.reset(allocate_picture_memory(shared_->buffer_bytes));
            ++shared_->allocated;
        }
    }
    auto frame = std::make_shared<VideoFrame>();
    frame->format = format_;
    frame->width = width_;
    frame->height = height_;
    std::uint8_t* base = buffer.get();
    for (int p = 0; p < info(format_).planes; ++p) {
        frame->data[static_cast<std::size_t>(p)] =
            base + shared_->offsets[static_cast<std::size_t>(p)];
        frame->stride[static_cast<std::size_t>(p)] = shared_->strides[static_cast<std::size_t>(p)];
    }
    // The buffer returns to the pool when the last frame referencing it goes; if the pool is
    // gone by then, it is simply freed.
    std::weak_ptr<Shared> pool = shared_;
    frame->storage = std::shared_ptr<std::uint8_t>(buffer.release(), [pool](std::uint8_t* p) {
        Buffer owned(p);
        if (auto s = pool.lock()) {
            std::lock_guard lock(s->mutex);
            s->free.push_back(std::move(owned));
        }
    });
    return frame;
}

std::size_t FramePool::buffers_allocated() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->allocated;
}

}  // namespace cinepipe
