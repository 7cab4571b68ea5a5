#pragma once
// A node of a filter graph. Sources produce units, transforms turn one frame into one frame,
// analysers watch every unit in order and keep state, sinks write. A node states the pixel
// formats it accepts; the graph inserts the conversions (see docs/graph.md).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cinepipe/color_tags.h"
#include "cinepipe/frame.h"
#include "cinepipe/media_info.h"
#include "cinepipe/media_reader.h"
#include "cinepipe/pixel_format.h"
#include "cinepipe/qc_result.h"
#include "cinepipe/rational.h"

namespace cinepipe {

enum class NodeKind : std::uint8_t { Source, Transform, Analyser, Sink };
const char* to_string(NodeKind kind);  // "source", "transform", "analyser", "sink"

// What flows along an edge: the video a node produces.
struct StreamDesc {
    PixelFormat format = PixelFormat::Yuv422p10;
    int width = 0;
    int height = 0;
    ColorTags tags;
    Rational sample_aspect{1, 1};
    FieldOrder field_order = FieldOrder::Progressive;
    Rational frame_rate{24, 1};
};

// What a node learns when it is created.
struct NodeContext {
    std::string id;                     // the node's id in the graph, for messages
    const MediaInfo* source = nullptr;  // the graph's source (timecode, reel, audio layout)
    // The source's reading so far (damage, timestamp breaks, audio samples); complete by
    // finish().
    const ReadStats* source_stats = nullptr;
    // Frames a node's own output pool must be able to keep alive at once: the units in
    // flight plus what frame-threaded encoders downstream still hold. FramePool throws past
    // its bound, so size pools with this.
    std::size_t pool_size = 16;
    int threads = 1;         // the run's thread budget (encoders use it)
    bool overwrite = false;  // sinks may replace existing outputs
};

// A filter failed while processing (a plugin returned an error, an analyser could not
// compute). The CLI maps it to exit code 5.
class FilterError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Node {
  public:
    virtual ~Node() = default;

    // The formats this node can take for an input like `in` (whose format is what arrives),
    // best first; empty means any. Called once, before configure(). May throw InputError
    // for an input no format can serve (e.g. an odd width for a 4:2:0-only encoder).
    virtual std::vector<PixelFormat> accepted_formats(const StreamDesc& in) {
        (void)in;
        return {};
    }
    // Prepares for `in` (already in an accepted format) and returns what this node produces
    // (analysers and sinks return `in`). Throws InputError for a request the input cannot meet.
    virtual StreamDesc configure(const StreamDesc& in) = 0;
    // Transforms: one output frame per input frame, keeping the input's timing, timecode and
    // index (copy_frame_props). Called from many threads at once unless the filter is
    // registered as not thread-safe or needing order.
    virtual FramePtr process(const FramePtr& in) { return in; }
    // Analysers and sinks: every unit in order; `unit.video` is this node's input (null for
    // audio-only units), `unit.audio` the source's audio.
    virtual void consume(const MediaUnit& unit) { (void)unit; }
    // Analysers: whether prepare() does part of consume()'s work. prepare() gets each picture
    // ahead of consume(), from many threads at once and in any order, for the work that needs
    // no other picture; consume() then gets the same picture in order. The graph calls it
    // only where it can run in parallel, so consume() must also cope with a picture that was
    // not prepared.
    [[nodiscard]] virtual bool prepares() const { return false; }
    virtual void prepare(const FramePtr& frame) { (void)frame; }
    // After the last unit of a successful run: flush encoders, complete reports, all still
    // under temporary names.
    virtual void finish() {}
    // After every node finished: rename outputs into place. Nothing may be left to fail here
    // but the rename itself, so that no output appears unless all are complete.
    virtual void commit() {}
    // Transforms: take over `next`, this node's only consumer (fed by nothing else), so that
    // one step does the work of both (a chain of colour operations becomes one processor).
    // Called before accepted_formats(); return false to keep them apart.
    virtual bool absorb(Node& next) {
        (void)next;
        return false;
    }
    // What this node does with its parameters resolved, for the plan (e.g. the colour
    // operations a grade applies); empty when the type and sizes say it all.
    [[nodiscard]] virtual std::string describe() const { return {}; }
    // Analysers that check: their findings (after finish()); null for every other node.
    [[nodiscard]] virtual const QcResult* qc_result() const { return nullptr; }
    // Files written (after finish()).
    [[nodiscard]] virtual std::vector<std::string> outputs() const { return {}; }
    // What the node could not honour (one sentence each).
    [[nodiscard]] virtual std::vector<std::string> warnings() const { return {}; }
};

}  // namespace cinepipe
