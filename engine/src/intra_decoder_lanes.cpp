#include "intra_decoder_lanes.h"

#include <new>
#include <stdexcept>

namespace cinepipe::av {

IntraDecoderLanes::IntraDecoderLanes(const std::function<CodecContext()>& open, int lanes) {
    if (lanes < 2) throw std::invalid_argument("IntraDecoderLanes: at least two lanes");
    for (int i = 0; i < lanes; ++i) {
        auto lane = std::make_unique<Lane>();
        lane->decoder = open();
        lanes_.push_back(std::move(lane));
    }
    // Threads start once every decoder is open: an exception above leaves none running.
    try {
        for (auto& lane : lanes_) lane->worker = std::thread([this, l = lane.get()] { work(*l); });
    } catch (...) {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        to_workers_.notify_all();
        for (auto& lane : lanes_)
            if (lane->worker.joinable()) lane->worker.join();
        throw;
    }
}

IntraDecoderLanes::~IntraDecoderLanes() {
    {
        const std::lock_guard lock(mutex_);
        stop_ = true;
    }
    to_workers_.notify_all();
    for (auto& lane : lanes_)
        if (lane->worker.joinable()) lane->worker.join();
}

void IntraDecoderLanes::send(const AVPacket* packet) {
    const std::lock_guard lock(mutex_);
    if (ending_) return;
    if (packet == nullptr) {
        ending_ = true;
        for (auto& lane : lanes_) {  // drain jobs, in lane order after every picture
            auto job = std::make_shared<Job>();
            lane->jobs.push_back(job);
            order_.push_back(std::move(job));
        }
    } else {
        auto job = std::make_shared<Job>();
        job->packet = make_packet();
        if (av_packet_ref(job->packet.get(), packet) < 0) throw std::bad_alloc();
        Lane& lane = *lanes_[next_lane_];
        next_lane_ = (next_lane_ + 1) % lanes_.size();
        lane.jobs.push_back(job);
        order_.push_back(std::move(job));
    }
    to_workers_.notify_all();
}

IntraDecoderLanes::Status IntraDecoderLanes::receive(AVFrame& frame, int& error) {
    std::unique_lock lock(mutex_);
    while (true) {
        if (order_.empty()) return ending_ ? Status::End : Status::Again;
        Job& front = *order_.front();
        if (!front.done) {
            // Keep every lane busy, with one packet queued behind them so a lane that finishes
            // need not wait for the reader: wait for the oldest picture only then.
            if (!ending_ && order_.size() < lanes_.size() + 1) return Status::Again;
            to_reader_.wait(lock, [&] { return front.done; });
        }
        if (front.outcomes.empty()) {
            order_.pop_front();
            continue;
        }
        Outcome out = std::move(front.outcomes.front());
        front.outcomes.pop_front();
        error = out.error;
        if (out.status == Status::Frame) av_frame_move_ref(&frame, out.frame.get());
        return out.status;
    }
}

void IntraDecoderLanes::work(Lane& lane) {
    std::unique_lock lock(mutex_);
    while (true) {
        to_workers_.wait(lock, [&] { return stop_ || !lane.jobs.empty(); });
        if (stop_) return;
        std::shared_ptr<Job> job = lane.jobs.front();
        lane.jobs.pop_front();
        lock.unlock();
        decode(*lane.decoder, *job);
        lock.lock();
        job->done = true;
        to_reader_.notify_all();
    }
}

// One packet in, every picture it gives out, as LibavReader's own decode loop: a refused
// packet and a failed picture are outcomes, not exceptions (the reader decides).
void IntraDecoderLanes::decode(AVCodecContext& decoder, Job& job) {
    const int sent = avcodec_send_packet(&decoder, job.packet.get());
    if (sent < 0 && sent != AVERROR_EOF)
        job.outcomes.push_back({Status::PacketError, nullptr, sent});
    while (true) {
        FramePtr frame(av_frame_alloc());
        if (!frame) {
            job.outcomes.push_back({Status::FrameError, nullptr, AVERROR(ENOMEM)});
            return;
        }
        const int err = avcodec_receive_frame(&decoder, frame.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
        if (err < 0) {
            job.outcomes.push_back({Status::FrameError, nullptr, err});
            return;
        }
        job.outcomes.push_back({Status::Frame, std::move(frame), 0});
    }
}

}  // namespace cinepipe::av
