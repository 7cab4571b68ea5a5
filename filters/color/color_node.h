#pragma once
// Private to filters/color: the node every colour filter is, around one ColorProcessor built
// when the graph is validated and shared by every frame in flight.

#include <memory>
#include <string>
#include <vector>

#include "cinepipe/color.h"
#include "cinepipe/filter_registry.h"

namespace cinepipe::color {

class ColorNode final : public Node {
  public:
    // Builds the processor now, so a bad file or name fails validation.
    ColorNode(ColorPipeline pipeline, std::size_t pool_size);
    ~ColorNode() override;
    // Float planar RGB: colour work never goes through 8 or 10 bits; alpha is kept.
    std::vector<PixelFormat> accepted_formats(const StreamDesc& in) override;
    StreamDesc configure(const StreamDesc& in) override;
    FramePtr process(const FramePtr& in) override;
    [[nodiscard]] std::string describe() const override { return processor_->description(); }
    // A following colour node joins this one's chain: one OCIO processor, one pass.
    bool absorb(Node& next) override;

  private:
    // YUV without vertical chroma subsampling (4:2:2, 4:4:4: ProRes, DNxHR) is graded in
    // strips: each band of rows goes YUV -> float RGB -> OCIO -> YUV while it is in cache,
    // so no float frame exists. Rows convert independently there (no vertical filtering),
    // so the result is the same as whole-frame conversion.
    struct Strips;
    [[nodiscard]] static bool fusable(PixelFormat format);
    FramePtr process_strips(const FramePtr& in);

    ColorPipeline pipeline_;
    std::shared_ptr<const ColorProcessor> processor_;
    std::size_t pool_size_;
    std::unique_ptr<FramePool> pool_;
    std::unique_ptr<Strips> strips_;
    ColorTags out_tags_;
};

FilterInfo ocio_filter_info();
FilterInfo cdl_filter_info();
FilterInfo lut_filter_info();

}  // namespace cinepipe::color
