#pragma once
// RAII owners for FreeType objects. Private to the engine: public headers never mention
// FreeType types.

#include <ft2build.h>
#include FT_FREETYPE_H

#include <memory>
#include <type_traits>

namespace cinepipe::ft {

struct LibraryDeleter {
    void operator()(FT_Library lib) const { FT_Done_FreeType(lib); }
};
struct FaceDeleter {
    void operator()(FT_Face face) const { FT_Done_Face(face); }
};

// FT_Library and FT_Face are pointer typedefs; the owners hold what they point to.
using Library = std::unique_ptr<std::remove_pointer_t<FT_Library>, LibraryDeleter>;
using Face = std::unique_ptr<std::remove_pointer_t<FT_Face>, FaceDeleter>;

}  // namespace cinepipe::ft
