#include "color_node.h"

#include "cinepipe/builtin_filters.h"

namespace cinepipe::color {

ColorNode::ColorNode(std::shared_ptr<const ColorProcessor> processor, std::size_t pool_size)
    : processor_(std::move(processor)), pool_size_(pool_size) {}

std::vector<PixelFormat> ColorNode::accepted_formats(const StreamDesc& in) {
    // Nothing to do (a unity CDL, an identity LUT): take any format, so the frames pass
    // untouched instead of through a float round trip.
    if (processor_->is_noop()) return {};
    if (info(in.format).has_alpha) return {PixelFormat::Gbrapf32, PixelFormat::Gbrpf32};
    return {PixelFormat::Gbrpf32, PixelFormat::Gbrapf32};
}

StreamDesc ColorNode::configure(const StreamDesc& in) {
    StreamDesc out = in;
    if (const auto& t = processor_->output_tags()) {
        out.tags.primaries = t->primaries;
        out.tags.transfer = t->transfer;
    }
    out_tags_ = out.tags;
    if (!processor_->is_noop())
        pool_ = std::make_unique<FramePool>(in.format, in.width, in.height, pool_size_);
    return out;
}

FramePtr ColorNode::process(const FramePtr& in) {
    if (!pool_) {
        if (in->tags == out_tags_) return in;
        auto relabelled = std::make_shared<VideoFrame>(*in);
        relabelled->tags = out_tags_;
        return relabelled;
    }
    auto out = pool_->acquire();
    copy_frame_props(*in, *out);
    out->tags = out_tags_;
    processor_->apply(*in, *out);
    return out;
}

ParamSpec string_param(std::string name, std::string def, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::String;
    p.default_value = std::move(def);
    p.help = std::move(help);
    return p;
}

ParamSpec bool_param(std::string name, bool def, std::string help) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Bool;
    p.default_value = def;
    p.help = std::move(help);
    return p;
}

}  // namespace cinepipe::color

namespace cinepipe {

void register_color_filters(FilterRegistry& registry) {
    registry.add(color::ocio_filter_info());
    registry.add(color::cdl_filter_info());
    registry.add(color::lut_filter_info());
}

}  // namespace cinepipe
