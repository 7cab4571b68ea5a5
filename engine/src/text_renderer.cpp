// Text to coverage masks with FreeType. Each renderer owns its FreeType library and face
// (FreeType objects are not thread-safe, and sharing one library between renderers would need
// global state) and serialises its calls with a mutex.
//
// The box follows what OpenImageIO's text_size/render_text did when they drew the burn-ins,
// so masks keep their sizes: the pen starts at x 0 on the baseline, glyphs are placed by
// their bitmap offsets and advanced by whole pixels, no kerning, and the box reaches one
// pixel past each glyph's right and bottom edge.

#include <algorithm>
#include <climits>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "cinepipe/error.h"
#include "cinepipe/still_image.h"
#include "font_lookup.h"
#include "freetype_util.h"

namespace cinepipe {

namespace {

// UTF-8 to code points; a malformed byte becomes U+FFFD rather than an error, since burn-in
// text comes from file names and metadata.
std::vector<char32_t> decode_utf8(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int extra = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            extra = 1;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            extra = 2;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            extra = 3;
            cp = b & 0x07;
        } else {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        if (i + static_cast<std::size_t>(extra) >= s.size()) {  // cut short at the end
            out.push_back(0xFFFD);
            break;
        }
        bool ok = true;
        for (int k = 1; k <= extra; ++k) {
            const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((c & 0xC0) != 0x80) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

struct Box {
    int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN;
    [[nodiscard]] bool empty() const { return x0 > x1; }
};

}  // namespace

struct TextRenderer::Impl {
    ft::Library library;
    ft::Face face;
    int size = 0;
    int ascent = 0;   // pixels above the baseline every mask reserves
    int descent = 0;  // and below it
    mutable std::mutex mutex;

    // The glyph of `c` rendered into face->glyph; false when the font cannot draw it.
    [[nodiscard]] bool load(char32_t c) const {
        return FT_Load_Char(face.get(), static_cast<FT_ULong>(c), FT_LOAD_RENDER) == 0;
    }

    // The pixels a text covers relative to its pen start on the baseline (y down).
    [[nodiscard]] Box measure(const std::vector<char32_t>& text) const {
        Box box;
        int x = 0;
        int y = 0;
        for (const char32_t c : text) {
            if (c == '\n') {
                x = 0;
                y += size;
                continue;
            }
            if (!load(c)) continue;
            const FT_GlyphSlot g = face->glyph;
            const int w = static_cast<int>(g->bitmap.width);
            const int h = static_cast<int>(g->bitmap.rows);
            box.x0 = std::min(box.x0, x + g->bitmap_left);
            box.x1 = std::max(box.x1, x + g->bitmap_left + w + 1);
            box.y0 = std::min(box.y0, y - g->bitmap_top);
            box.y1 = std::max(box.y1, y + h - g->bitmap_top + 1);
            x += static_cast<int>(g->advance.x >> 6);
        }
        return box;
    }
};

// By value because the public signature (still_image.h) has always taken it so.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
TextRenderer::TextRenderer(std::string font, int pixel_size) : impl_(std::make_unique<Impl>()) {
    const std::string file = find_font_file(font);
    impl_->size = std::max(pixel_size, 4);
    FT_Library lib = nullptr;
    if (FT_Init_FreeType(&lib) != 0)
        throw InputError(font + ": cannot render text (FreeType does not start)");
    impl_->library.reset(lib);
    FT_Face face = nullptr;
    if (FT_New_Face(lib, file.c_str(), 0, &face) != 0)
        throw InputError(font + ": cannot render text with this font (not a font FreeType reads)");
    impl_->face.reset(face);
    if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(impl_->size)) != 0)
        throw InputError(font + ": cannot render text with this font at " +
                         std::to_string(impl_->size) + " pixels");
    // The tallest and deepest glyphs fix the box, so every text shares one baseline.
    const Box ref = impl_->measure(decode_utf8("Ag|0:;"));
    if (ref.empty())
        throw InputError(font + ": cannot render text with this font (it has no Latin glyphs)");
    impl_->ascent = std::max(-ref.y0, 1);
    impl_->descent = std::max(ref.y1, 0);
}

TextRenderer::~TextRenderer() = default;

int TextRenderer::height() const {
    return impl_->ascent + impl_->descent;
}

TextMask TextRenderer::render(const std::string& text) const {
    const std::lock_guard lock(impl_->mutex);
    TextMask mask;
    mask.height = height();
    if (text.empty()) return mask;
    const std::vector<char32_t> chars = decode_utf8(text);
    const Box box = impl_->measure(chars);
    if (box.empty()) return mask;
    const int left = std::min(box.x0, 0);
    mask.width = box.x1 - left + 1;
    mask.coverage.assign(
        static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height), 0.0F);
    int pen_x = -left;
    int pen_y = impl_->ascent;
    for (const char32_t c : chars) {
        if (c == '\n') {
            pen_x = -left;
            pen_y += impl_->size;
            continue;
        }
        if (!impl_->load(c)) continue;
        const FT_GlyphSlot g = impl_->face->glyph;
        const FT_Bitmap& bm = g->bitmap;
        const bool mono = bm.pixel_mode == FT_PIXEL_MODE_MONO;
        for (int j = 0; j < static_cast<int>(bm.rows); ++j) {
            const int y = pen_y + j - g->bitmap_top;
            if (y < 0 || y >= mask.height) continue;
            const unsigned char* row = bm.buffer + static_cast<std::ptrdiff_t>(bm.pitch) * j;
            for (int i = 0; i < static_cast<int>(bm.width); ++i) {
                const int x = pen_x + i + g->bitmap_left;
                if (x < 0 || x >= mask.width) continue;
                const float v = mono ? ((row[i >> 3] >> (7 - (i & 7))) & 1 ? 1.0F : 0.0F)
                                     : static_cast<float>(row[i]) / 255.0F;
                // Max, not overwrite: a glyph's empty corner must not erase its neighbour's
                // edge where their bitmaps overlap.
                float& cell = mask.coverage[static_cast<std::size_t>(y) * mask.width + x];
                cell = std::max(cell, v);
            }
        }
        pen_x += static_cast<int>(g->advance.x >> 6);
    }
    return mask;
}

}  // namespace cinepipe
