// main() for the fuzz targets in the normal (g++) build, where libFuzzer is not available: the
// suite's fuzz smoke run. It feeds the target every seed, then, for the seconds given, inputs
// made from the seeds by random mutations (bit flips, byte changes, cuts, inserts, repeated and
// spliced ranges) from a fixed random seed, so a run is repeatable. No coverage guidance: the
// clang build's libFuzzer (scripts/sanitize.sh, docs/TESTING.md) explores much further. What
// fails a run is what fails a libFuzzer run: a crash or an exception the target does not
// document. The input that did it is written to `replay-crash` first.
//   fuzz_NAME SECONDS SEED_DIR_OR_FILE...
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The input being run, saved where a person can re-run it when the process is about to die.
const Bytes* g_current = nullptr;

// A crash: keep the input (open/write only), then die of the signal as usual.
void on_crash(int sig) {
    if (g_current) {
        const int fd = ::open("replay-crash", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            (void)!::write(fd, g_current->data(), g_current->size());
            ::close(fd);
        }
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void run(const Bytes& input) {
    g_current = &input;
    LLVMFuzzerTestOneInput(input.data(), input.size());
    g_current = nullptr;
}

Bytes mutate(const std::vector<Bytes>& seeds, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return n == 0 ? 0 : std::size_t(rng() % n); };
    Bytes b = seeds[pick(seeds.size())];
    const int edits = 1 + int(rng() % 8);
    for (int e = 0; e < edits; ++e) {
        switch (rng() % 7) {
            case 0:  // flip a bit
                if (!b.empty()) b[pick(b.size())] ^= std::uint8_t(1u << (rng() % 8));
                break;
            case 1:  // an interesting byte
                if (!b.empty()) {
                    static constexpr std::uint8_t kBytes[] = {0,   1,   0x7f, 0x80, 0xff, '\n', ':',
                                                              '{', '-', '.',  '9',  '"',  '<'};
                    b[pick(b.size())] = kBytes[pick(std::size(kBytes))];
                }
                break;
            case 2:  // cut the end
                b.resize(pick(b.size() + 1));
                break;
            case 3: {  // erase a range
                const std::size_t at = pick(b.size() + 1),
                                  n = pick(std::min<std::size_t>(64, b.size() - at + 1));
                b.erase(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + n));
                break;
            }
            case 4: {  // insert random bytes
                const std::size_t at = pick(b.size() + 1), n = 1 + pick(16);
                Bytes r(n);
                for (auto& c : r) c = std::uint8_t(rng());
                b.insert(b.begin() + std::ptrdiff_t(at), r.begin(), r.end());
                break;
            }
            case 5: {  // repeat a range
                if (b.empty() || b.size() > (1u << 20)) break;
                const std::size_t at = pick(b.size()),
                                  n = 1 + pick(std::min<std::size_t>(256, b.size() - at));
                const Bytes part(b.begin() + std::ptrdiff_t(at),
                                 b.begin() + std::ptrdiff_t(at + n));
                b.insert(b.begin() + std::ptrdiff_t(at), part.begin(), part.end());
                break;
            }
            default: {  // splice in part of another seed
                const Bytes& other = seeds[pick(seeds.size())];
                if (other.empty()) break;
                const std::size_t from = pick(other.size()), n = 1 + pick(other.size() - from);
                const std::size_t at = pick(b.size() + 1);
                b.insert(b.begin() + std::ptrdiff_t(at), other.begin() + std::ptrdiff_t(from),
                         other.begin() + std::ptrdiff_t(from + n));
                break;
            }
        }
    }
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s SECONDS SEED_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, on_crash);
    std::set_terminate([] {
        std::fprintf(stderr,
                     "fuzz: an exception the target does not document escaped; input in "
                     "replay-crash\n");
        std::abort();
    });
    const double seconds = std::atof(argv[1]);
    std::vector<Bytes> seeds;
    for (int i = 2; i < argc; ++i) {
        const std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            std::vector<std::filesystem::path> files;
            for (const auto& e : std::filesystem::directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
            std::sort(files.begin(), files.end());  // repeatable order
            for (const auto& f : files) seeds.push_back(read(f));
        } else if (std::filesystem::is_regular_file(p)) {
            seeds.push_back(read(p));
        }
    }
    if (seeds.empty()) {
        std::fprintf(stderr, "fuzz: no seeds in the folders given\n");
        return 2;
    }
    for (const auto& s : seeds) run(s);
    std::mt19937_64 rng(20261126);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::size_t runs = seeds.size();
    while (std::chrono::steady_clock::now() < end) {
        const Bytes input = mutate(seeds, rng);
        run(input);
        ++runs;
    }
    std::printf("fuzz: %zu inputs (%zu seeds, the rest mutated) in %.0f s, no finding\n", runs,
                seeds.size(), seconds);
    return 0;
}
