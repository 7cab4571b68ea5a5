#pragma once
// Video decoders write their pictures into picture memory (picture_memory.h) instead of
// libav's default pool, which zeroes each new buffer and so faults it in 4 KB at a time.

#include "av_util.h"

namespace cinepipe::av {

// Makes `decoder`, a video decoder not yet opened, take its pictures from picture memory.
// Codecs that cannot decode into the caller's buffers (no AV_CODEC_CAP_DR1), and hardware or
// paletted formats, keep libav's own allocation. The buffers go when the context and the
// last picture it handed out are gone.
void use_picture_memory(CodecContext& decoder);

}  // namespace cinepipe::av
