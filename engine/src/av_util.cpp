#include "av_util.h"

#include "tsan_hand_over.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <type_traits>
#include <utility>

namespace cinepipe::av {

FramePtr make_frame() {
    FramePtr f(av_frame_alloc());
    if (!f) throw std::bad_alloc();
    return f;
}

PacketPtr make_packet() {
    PacketPtr p(av_packet_alloc());
    if (!p) throw std::bad_alloc();
    return p;
}

std::string error_string(int err) {
    std::array<char, AV_ERROR_MAX_STRING_SIZE> buf{};
    av_strerror(err, buf.data(), buf.size());
    return buf.data();
}

namespace {
constexpr std::array<std::pair<PixelFormat, AVPixelFormat>, 16> kFormats{{
    {PixelFormat::Yuv420p8, AV_PIX_FMT_YUV420P},
    {PixelFormat::Yuv422p8, AV_PIX_FMT_YUV422P},
    {PixelFormat::Yuv444p8, AV_PIX_FMT_YUV444P},
    {PixelFormat::Yuv420p10, AV_PIX_FMT_YUV420P10LE},
    {PixelFormat::Yuv422p10, AV_PIX_FMT_YUV422P10LE},
    {PixelFormat::Yuv444p10, AV_PIX_FMT_YUV444P10LE},
    {PixelFormat::Yuva444p10, AV_PIX_FMT_YUVA444P10LE},
    {PixelFormat::Yuva444p12, AV_PIX_FMT_YUVA444P12LE},
    {PixelFormat::Yuv420p12, AV_PIX_FMT_YUV420P12LE},
    {PixelFormat::Yuv422p12, AV_PIX_FMT_YUV422P12LE},
    {PixelFormat::Yuv444p12, AV_PIX_FMT_YUV444P12LE},
    {PixelFormat::Yuv444p16, AV_PIX_FMT_YUV444P16LE},
    {PixelFormat::Rgb48, AV_PIX_FMT_RGB48LE},
    {PixelFormat::Rgba64, AV_PIX_FMT_RGBA64LE},
    {PixelFormat::Gbrpf32, AV_PIX_FMT_GBRPF32LE},
    {PixelFormat::Gbrapf32, AV_PIX_FMT_GBRAPF32LE},
}};
}  // namespace

AVPixelFormat to_av(PixelFormat fmt) {
    for (const auto& [ours, theirs] : kFormats)
        if (ours == fmt) return theirs;
    return AV_PIX_FMT_NONE;
}

bool is_full_range_yuvj(AVPixelFormat fmt) {
    return fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P || fmt == AV_PIX_FMT_YUVJ444P;
}

std::optional<PixelFormat> from_av(AVPixelFormat fmt) {
    switch (fmt) {  // same layout as the plain formats; the caller tags them full range
        case AV_PIX_FMT_YUVJ420P:
            return PixelFormat::Yuv420p8;
        case AV_PIX_FMT_YUVJ422P:
            return PixelFormat::Yuv422p8;
        case AV_PIX_FMT_YUVJ444P:
            return PixelFormat::Yuv444p8;
        default:
            break;
    }
    for (const auto& [ours, theirs] : kFormats)
        if (theirs == fmt) return ours;
    return std::nullopt;
}

const int* sws_coefficients(MatrixCoefficients m) {
    switch (m) {
        case MatrixCoefficients::Bt709:
            return sws_getCoefficients(SWS_CS_ITU709);
        case MatrixCoefficients::Bt2020Ncl:
        case MatrixCoefficients::Bt2020Cl:
            return sws_getCoefficients(SWS_CS_BT2020);
        case MatrixCoefficients::Smpte240m:
            return sws_getCoefficients(SWS_CS_SMPTE240M);
        case MatrixCoefficients::Fcc:
            return sws_getCoefficients(SWS_CS_FCC);
        default:
            return sws_getCoefficients(SWS_CS_DEFAULT);
    }
}

PixelFormat nearest_working_format(AVPixelFormat fmt) {
    if (auto exact = from_av(fmt)) return *exact;
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(fmt);
    if (!d) return PixelFormat::Yuv422p10;
    const int depth = d->comp[0].depth;
    const bool alpha = (d->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;
    const bool rgb = (d->flags & AV_PIX_FMT_FLAG_RGB) != 0;
    const bool is_float = (d->flags & AV_PIX_FMT_FLAG_FLOAT) != 0;
    if (rgb || d->nb_components < 3) {
        if (is_float || depth > 16) return alpha ? PixelFormat::Gbrapf32 : PixelFormat::Gbrpf32;
        return alpha ? PixelFormat::Rgba64 : PixelFormat::Rgb48;
    }
    if (alpha) {
        if (depth <= 10) return PixelFormat::Yuva444p10;
        return depth <= 12 ? PixelFormat::Yuva444p12 : PixelFormat::Gbrapf32;
    }
    const int sx = d->log2_chroma_w;
    const int sy = d->log2_chroma_h;
    if (depth <= 8) {
        if (sx == 1 && sy == 1) return PixelFormat::Yuv420p8;
        if (sx == 1 && sy == 0) return PixelFormat::Yuv422p8;
        if (sx == 0 && sy == 0) return PixelFormat::Yuv444p8;
    } else if (depth <= 10) {
        if (sx == 1 && sy == 1) return PixelFormat::Yuv420p10;
        if (sx == 1 && sy == 0) return PixelFormat::Yuv422p10;
        if (sx == 0 && sy == 0) return PixelFormat::Yuv444p10;
    } else if (depth <= 12) {
        if (sx == 1 && sy == 1) return PixelFormat::Yuv420p12;
        if (sx == 1 && sy == 0) return PixelFormat::Yuv422p12;
        if (sx == 0 && sy == 0) return PixelFormat::Yuv444p12;
    }
    // Anything more exotic (4:1:1, NV12-style packing with odd subsampling, >12 bit YUV)
    // widens to 4:4:4 16-bit, which holds every such format without loss.
    return PixelFormat::Yuv444p16;
}

namespace {

// A header is data, not a promise: a damaged one can put any number in libav's colour and
// field-order fields (ProRes copies its frame header's bytes straight in). Loading such a
// field as its C enum is undefined, so read the bits as the enum's integer type.
template <typename Field>
int raw_value(const Field& field) {
    std::underlying_type_t<Field> value;
    std::memcpy(&value, &field, sizeof value);
    return static_cast<int>(value);
}

// A code the engine's enum declares (every value H.273 names), else Unspecified.
template <typename Tag, std::size_t N>
Tag tag_or_unspecified(int code, const std::array<Tag, N>& declared) {
    for (const Tag tag : declared)
        if (static_cast<int>(tag) == code) return tag;
    return Tag::Unspecified;
}

ColorTags tags_from_raw(int primaries, int transfer, int matrix, int range) {
    return {tag_or_unspecified(primaries, kAllColorPrimaries),
            tag_or_unspecified(transfer, kAllTransferCharacteristics),
            tag_or_unspecified(matrix, kAllMatrixCoefficients),
            tag_or_unspecified(range, kAllColorRanges)};
}

}  // namespace

ColorTags tags_from(const AVCodecParameters& par) {
    return tags_from_raw(raw_value(par.color_primaries), raw_value(par.color_trc),
                         raw_value(par.color_space), raw_value(par.color_range));
}

ColorTags tags_from(const AVFrame& frame) {
    return tags_from_raw(raw_value(frame.color_primaries), raw_value(frame.color_trc),
                         raw_value(frame.colorspace), raw_value(frame.color_range));
}

void apply_tags(const ColorTags& tags, AVCodecContext& ctx) {
    ctx.color_primaries = static_cast<AVColorPrimaries>(tags.primaries);
    ctx.color_trc = static_cast<AVColorTransferCharacteristic>(tags.transfer);
    ctx.colorspace = static_cast<AVColorSpace>(tags.matrix);
    ctx.color_range = static_cast<AVColorRange>(tags.range);
}

FieldOrder field_order_from(const AVCodecParameters& par) {
    switch (raw_value(par.field_order)) {
        case AV_FIELD_PROGRESSIVE:
            return FieldOrder::Progressive;
        case AV_FIELD_TT:
            return FieldOrder::TT;
        case AV_FIELD_BB:
            return FieldOrder::BB;
        case AV_FIELD_TB:
            return FieldOrder::TB;
        case AV_FIELD_BT:
            return FieldOrder::BT;
        default:
            return FieldOrder::Unknown;
    }
}

AVFieldOrder to_av(FieldOrder order) {
    switch (order) {
        case FieldOrder::Progressive:
            return AV_FIELD_PROGRESSIVE;
        case FieldOrder::TT:
            return AV_FIELD_TT;
        case FieldOrder::BB:
            return AV_FIELD_BB;
        case FieldOrder::TB:
            return AV_FIELD_TB;
        case FieldOrder::BT:
            return AV_FIELD_BT;
        case FieldOrder::Unknown:
            break;
    }
    return AV_FIELD_UNKNOWN;
}

void init_logging() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char* level = std::getenv("CINEPIPE_LOG_LEVEL");
        if (level && std::string(level) == "debug")
            av_log_set_level(AV_LOG_DEBUG);
        else if (level && std::string(level) == "warning")
            av_log_set_level(AV_LOG_WARNING);
        else
            av_log_set_level(AV_LOG_QUIET);
    });
}

std::shared_ptr<VideoFrame> wrap_frame(const AVFrame& src, PixelFormat format) {
    FramePtr ref = make_frame();
    if (const int err = av_frame_ref(ref.get(), &src); err < 0)
        throw std::runtime_error("av_frame_ref: " + error_string(err));
    auto frame = std::make_shared<VideoFrame>();
    frame->format = format;
    frame->width = src.width;
    frame->height = src.height;
    for (int p = 0; p < 4; ++p) {
        frame->data[static_cast<std::size_t>(p)] = ref->data[p];
        frame->stride[static_cast<std::size_t>(p)] = ref->linesize[p];
    }
    frame->storage = std::shared_ptr<AVFrame>(ref.release(), FrameDeleter{});
    // The decoder may keep references to its pictures (to predict others from them).
    frame->storage_unshared = [](const void* storage) {
        return av_frame_is_writable(const_cast<AVFrame*>(static_cast<const AVFrame*>(storage))) !=
               0;
    };
    return frame;
}

FramePtr to_avframe(const cinepipe::FramePtr& frame) {
    FramePtr out = make_frame();
    out->format = to_av(frame->format);
    out->width = frame->width;
    out->height = frame->height;
    const int planes = info(frame->format).planes;
    // One AVBuffer per plane, each holding a reference to the whole VideoFrame.
    for (int p = 0; p < planes; ++p) {
        const auto i = static_cast<std::size_t>(p);
        auto holder = std::make_unique<cinepipe::FramePtr>(frame);
        const auto size = static_cast<std::size_t>(frame->stride[i]) *
                          static_cast<std::size_t>(frame->plane_height(p));
        out->buf[p] = av_buffer_create(
            const_cast<std::uint8_t*>(frame->plane(p)), size,
            [](void* opaque, std::uint8_t*) {
                // Often on one of libav's encoder threads (tsan_hand_over.h).
                tsan_acquire(opaque);
                std::unique_ptr<cinepipe::FramePtr>(static_cast<cinepipe::FramePtr*>(opaque));
            },
            holder.get(), AV_BUFFER_FLAG_READONLY);
        if (!out->buf[p]) throw std::bad_alloc();
        tsan_release(holder.get());
        (void)holder.release();  // now owned by the AVBuffer, freed by the callback above
        out->data[p] = const_cast<std::uint8_t*>(frame->plane(p));
        out->linesize[p] = static_cast<int>(frame->stride[i]);
    }
    out->sample_aspect_ratio = to_av(frame->sample_aspect);
    out->color_primaries = static_cast<AVColorPrimaries>(frame->tags.primaries);
    out->color_trc = static_cast<AVColorTransferCharacteristic>(frame->tags.transfer);
    out->colorspace = static_cast<AVColorSpace>(frame->tags.matrix);
    out->color_range = static_cast<AVColorRange>(frame->tags.range);
    return out;
}

}  // namespace cinepipe::av
