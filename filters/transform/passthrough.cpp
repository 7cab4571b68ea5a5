// passthrough: every frame unchanged, the same frame object (no copy).

#include "transform_filters.h"

namespace cinepipe::transform {

namespace {

class Passthrough final : public Node {
  public:
    StreamDesc configure(const StreamDesc& in) override { return in; }
    FramePtr process(const FramePtr& in) override { return in; }
};

}  // namespace

FilterInfo passthrough_filter_info() {
    return transform_info(
        "passthrough",
        "Passes every frame through untouched, keeping every frame and timestamp (the frame rate "
        "is never changed by cinepipe's plumbing filters).",
        {}, [](const ParamSet&, const NodeContext&) { return std::make_unique<Passthrough>(); });
}

}  // namespace cinepipe::transform
