#pragma once
// Intra-only video (ProRes, DNxHR, ...) decoded by several single-threaded decoders at once,
// each picture by the next lane in turn, the pictures handed back in packet order. libav's
// frame threading does this for any codec, but its hand-overs between threads let 1080p ProRes
// decode only 1.6x faster on two cores, where two independent decoders run 1.85x as fast as
// one (docs/PERFORMANCE.md). Pictures of an intra-only codec need nothing from each other, so
// independent decoders are exact.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "av_util.h"

namespace cinepipe::av {

class IntraDecoderLanes {
  public:
    // `open` makes one single-threaded decoder for the stream; `lanes` >= 2 of them decode
    // at once, each on its own thread.
    IntraDecoderLanes(const std::function<CodecContext()>& open, int lanes);
    ~IntraDecoderLanes();
    IntraDecoderLanes(const IntraDecoderLanes&) = delete;
    IntraDecoderLanes& operator=(const IntraDecoderLanes&) = delete;

    // Queues a packet for the next lane (nullptr: the end of the stream, which drains every
    // lane). Call receive() until it answers Again after each send: at most `lanes` + 1
    // packets are then in flight.
    void send(const AVPacket* packet);

    enum class Status {
        Frame,        // `frame` holds the next picture
        Again,        // send the next packet first
        End,          // every picture has been handed back
        PacketError,  // the decoder refused a packet (`error`)
        FrameError,   // the decoder failed on a picture (`error`)
    };
    // The next outcome in packet order; waits for a lane only when `lanes` + 1 packets are in
    // flight or the stream has ended.
    Status receive(AVFrame& frame, int& error);

  private:
    struct Outcome {
        Status status;
        FramePtr frame;
        int error = 0;
    };
    struct Job {
        PacketPtr packet;  // empty: drain the lane
        std::deque<Outcome> outcomes;
        bool done = false;
    };
    struct Lane {
        CodecContext decoder;
        std::deque<std::shared_ptr<Job>> jobs;
        std::thread worker;
    };

    void work(Lane& lane);
    static void decode(AVCodecContext& decoder, Job& job);

    std::mutex mutex_;
    std::condition_variable to_workers_;
    std::condition_variable to_reader_;
    std::vector<std::unique_ptr<Lane>> lanes_;
    std::deque<std::shared_ptr<Job>> order_;  // every job not yet fully received
    std::size_t next_lane_ = 0;
    bool ending_ = false;
    bool stop_ = false;
};

}  // namespace cinepipe::av
