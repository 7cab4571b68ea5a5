#pragma once
// Finding a font file from what a user wrote: a path, or a name looked up in the system font
// folders (as OpenImageIO did before the text rendering moved to FreeType directly).

#include <string>

namespace cinepipe {

// `font` itself when it is a regular file; otherwise the first file named `font`, or `font`
// plus .ttf/.otf/.ttc/.pfa/.pfb, under ~/.fonts, ~/.local/share/fonts, /usr/share/fonts or
// /usr/local/share/fonts (searched recursively, in that order). Throws InputError when
// there is none.
std::string find_font_file(const std::string& font);

}  // namespace cinepipe
