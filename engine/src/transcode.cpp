#include "cinepipe/transcode.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "cinepipe/error.h"
#include "cinepipe/frame_converter.h"
#include "cinepipe/output_file.h"

namespace cinepipe {

namespace {

AudioCodec default_audio_codec(const std::string& output) {
    std::string ext = std::filesystem::path(output).extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".mp4" || ext == ".m4v" ? AudioCodec::Aac : AudioCodec::Pcm24;
}

}  // namespace

WriterConfig writer_config_for(const MediaInfo& source, const std::string& output) {
    if (!source.video) throw InputError(source.path + ": has no video stream");
    const VideoStreamInfo& v = *source.video;
    WriterConfig cfg;
    cfg.path = output;
    cfg.audio_codec = default_audio_codec(output);
    cfg.width = v.width;
    cfg.height = v.height;
    cfg.frame_rate = v.frame_rate;
    cfg.sample_aspect = v.sample_aspect;
    cfg.tags = v.tags;
    cfg.field_order =
        v.field_order == FieldOrder::Unknown ? FieldOrder::Progressive : v.field_order;
    cfg.has_alpha = v.has_alpha;
    cfg.source_format = v.working_format;
    // A source without timecode gives a master without one: inventing 00:00:00:00 would
    // look like a real label to an editor.
    if (source.timecode_source != "none") cfg.start_timecode = source.start_timecode;
    cfg.reel_name = source.reel_name;
    cfg.first_frame_number = source.is_sequence ? source.first_frame_number : 0;
    for (const auto& a : source.audio)
        cfg.audio.push_back({a.channels, a.sample_rate, a.channel_mask});
    return cfg;
}

TranscodeResult encode(MediaReader& reader, const WriterConfig& config,
                       const SchedulePolicy& schedule, const CancelToken& cancel,
                       const ProgressCallback& progress) {
    auto writer = MediaWriter::create(config);
    const auto& v = *reader.info().video;
    ConverterOptions conv;
    conv.format = writer->input_format();
    conv.width = v.width;
    conv.height = v.height;
    // Frames alive at once: those in flight, plus what a frame-threaded encoder (ProRes,
    // DNxHR in FFmpeg 5.1) still holds, about one per encoder thread.
    conv.pool_size = static_cast<std::size_t>(schedule.resolved_in_flight()) +
                     2 * static_cast<std::size_t>(schedule.resolved_threads()) + 4;
    FrameConverter converter(conv);

    // Named as a graph names the same steps, so transcode's and grade's tables read alike.
    const auto start = std::chrono::steady_clock::now();
    StatsRecorder recorder;
    PipelineStages stages;
    stages.read_meter = &recorder.stage("decode");
    if (v.working_format != conv.format)
        stages.transform_meter = &recorder.stage(fmt::format("convert {} {}x{} -> {} for output",
                                                             to_string(v.working_format), v.width,
                                                             v.height, to_string(conv.format)));
    stages.sink_meter = &recorder.stage("output (writer)");
    stages.transform = [&](MediaUnit unit) {
        if (unit.video) unit.video = converter.convert(unit.video);
        return unit;
    };
    stages.sink = [&](const MediaUnit& unit) { writer->write(unit); };
    stages.progress = progress;
    run_pipeline(reader, stages, schedule, cancel);
    {
        // Flushing the encoder's delayed frames and the muxer's trailer is the writer's work.
        StageTimer timer(stages.sink_meter);
        writer->finish();
    }

    TranscodeResult result;
    result.stats = recorder.snapshot();
    result.stats.frames = reader.stats().frames;
    result.stats.threads = schedule.resolved_threads();
    result.stats.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.frames = reader.stats().frames;
    result.audio_samples = reader.stats().audio_samples;
    result.corrupt_frames = reader.stats().corrupt_frames;
    result.discontinuities = reader.stats().discontinuities;
    result.outputs = writer->outputs();
    result.warnings = reader.stats().warnings;
    for (const auto& w : writer->warnings()) result.warnings.push_back(w);
    return result;
}

TranscodeResult transcode(const TranscodeOptions& options, const CancelToken& cancel) {
    ReaderOptions reader_options = options.reader;
    if (reader_options.decoder_threads == 0)
        reader_options.decoder_threads = options.schedule.resolved_threads();
    // No audio wanted: do not open (or fail on) the audio decoders at all.
    if (options.audio_codec == AudioCodec::None) reader_options.decode_audio = false;
    reader_options.cancel = &cancel;
    // With nothing to convert, the encoder holds the reader's own frames.
    reader_options.frames_held = static_cast<std::size_t>(options.schedule.resolved_in_flight()) +
                                 2 * static_cast<std::size_t>(options.schedule.resolved_threads()) +
                                 4;
    // An output over the input would destroy it: refused before anything is read or written.
    if (is_same_file(options.output, options.input))
        throw InputError(options.output + ": is the input; refusing to overwrite it");
    auto reader = MediaReader::open(options.input, reader_options);
    if (!reader->info().video)
        throw InputError(options.input + ": has no video stream to transcode");
    WriterConfig cfg = writer_config_for(reader->info(), options.output);
    cfg.video_codec = options.video_codec;
    if (options.audio_codec) cfg.audio_codec = *options.audio_codec;
    cfg.threads = options.schedule.resolved_threads();
    cfg.overwrite = options.overwrite;
    return encode(*reader, cfg, options.schedule, cancel, options.progress);
}

}  // namespace cinepipe
