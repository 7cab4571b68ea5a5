#pragma once

#include <memory>

#include "cinepipe/media_writer.h"

namespace cinepipe {

std::unique_ptr<MediaWriter> create_movie_writer(const WriterConfig& config);

}  // namespace cinepipe
