#include "plugin_watch.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "atomic_file.h"
#include "cinepipe/plugin_host.h"

namespace cinepipe {

namespace {

// The exit code of a run stopped by a failing filter or plugin (the CLI's kFilterError).
constexpr int kPluginFailedExit = 5;

// One call in progress. Fixed slots, not a container: the signal handler and the watchdog read
// them without locks or allocation.
struct Slot {
    std::atomic<std::int64_t> started_ns{0};  // 0: free
    std::atomic<const std::string*> label{nullptr};
    std::atomic<const char*> callback{nullptr};
    std::atomic<std::int64_t> frame{-1};
};
constexpr int kSlots = 256;  // calls at once; more go unwatched rather than wait
std::array<Slot, kSlots> g_slots;
thread_local int t_slot = -1;  // the innermost call on this thread

std::atomic<double> g_timeout{60.0};  // seconds; 0: no limit
std::once_flag g_setup;

constexpr std::array<int, 5> kFatalSignals = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
std::array<struct sigaction, kFatalSignals.size()> g_previous{};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Async-signal-safe output: write(2) only.
void put(const char* text, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(STDERR_FILENO, text, size);
        if (n <= 0) return;
        text += n;
        size -= static_cast<std::size_t>(n);
    }
}
void put(const char* text) {
    put(text, std::strlen(text));
}
void put_number(std::int64_t value) {
    std::array<char, 24> digits{};
    std::size_t at = digits.size();
    const bool negative = value < 0;
    auto magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    do {
        digits[--at] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0 && at > 1);
    if (negative) digits[--at] = '-';
    put(digits.data() + at, digits.size() - at);
}

const char* signal_name(int sig) {
    switch (sig) {
        case SIGSEGV:
            return "SIGSEGV, invalid memory access";
        case SIGBUS:
            return "SIGBUS, bad memory access";
        case SIGFPE:
            return "SIGFPE, arithmetic fault";
        case SIGILL:
            return "SIGILL, illegal instruction";
        case SIGABRT:
            return "SIGABRT, it aborted";
        default:
            return "a fatal signal";
    }
}

void on_fatal_signal(int sig, siginfo_t* info, void* /*context*/) {
    const int slot = t_slot;
    if (slot >= 0) {
        const Slot& s = g_slots[static_cast<std::size_t>(slot)];
        const std::string* label = s.label.load();
        const char* callback = s.callback.load();
        put("cinepipe: error: ");
        if (label) put(label->data(), label->size());
        put(" crashed (");
        put(signal_name(sig));
        put(") in ");
        put(callback ? callback : "a callback");
        put("()");
        if (const std::int64_t frame = s.frame.load(); frame >= 0) {
            put(" on frame ");
            put_number(frame);
        }
        put("; no partial output left behind\n");
        remove_temporaries_now();
        ::_exit(kPluginFailedExit);
    }
    // Not a plugin's: give the signal back to whoever handled it before us (the default action,
    // or a sanitizer). A fault re-executes the instruction on return; a sent signal is re-raised.
    for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
        if (kFatalSignals[i] == sig) ::sigaction(sig, &g_previous[i], nullptr);
    if (info == nullptr || info->si_code <= 0) ::raise(sig);
}

void watch_calls() {
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const double limit = plugin_call_timeout();
        if (limit <= 0) continue;
        const std::int64_t now = now_ns();
        for (const Slot& s : g_slots) {
            const std::int64_t started = s.started_ns.load();
            if (started == 0 || double(now - started) < limit * 1e9) continue;
            const std::string* label = s.label.load();
            const char* callback = s.callback.load();
            const std::int64_t frame = s.frame.load();
            if (s.started_ns.load() != started) continue;  // it returned meanwhile
            const std::string text = fmt::format(
                "cinepipe: error: {} hung: {}(){} has not returned after {:g} s (the plugin call "
                "timeout; set CINEPIPE_PLUGIN_TIMEOUT or --plugin-timeout); no partial output "
                "left behind\n",
                label ? *label : std::string("a plugin"), callback ? callback : "a callback",
                frame >= 0 ? fmt::format(" on frame {}", frame) : std::string(), limit);
            put(text.data(), text.size());
            remove_temporaries_now();
            // The hung thread cannot be stopped; ending the process is the only way out.
            ::_exit(kPluginFailedExit);
        }
    }
}

void set_up() {
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < kFatalSignals.size(); ++i)
        ::sigaction(kFatalSignals[i], &sa, &g_previous[i]);
    // Sleeps between looks; it lives as long as the process and holds nothing.
    std::thread(watch_calls).detach();
}

}  // namespace

PluginCall::PluginCall(const std::string& label, const char* callback, std::int64_t frame)
    : slot_(-1), previous_(t_slot) {
    std::call_once(g_setup, set_up);
    const std::int64_t now = now_ns();
    for (int i = 0; i < kSlots; ++i) {
        Slot& s = g_slots[static_cast<std::size_t>(i)];
        std::int64_t expected = 0;
        if (!s.started_ns.compare_exchange_strong(expected, now)) continue;
        // Claimed. The watchdog may see the slot before these land, but not time it out.
        s.label.store(&label);
        s.callback.store(callback);
        s.frame.store(frame);
        slot_ = i;
        t_slot = i;
        break;
    }
}

PluginCall::~PluginCall() {
    t_slot = previous_;
    if (slot_ >= 0) g_slots[static_cast<std::size_t>(slot_)].started_ns.store(0);
}

void set_plugin_call_timeout(double seconds) {
    g_timeout.store(seconds > 0 ? seconds : 0.0);
}

double plugin_call_timeout() {
    return g_timeout.load();
}

}  // namespace cinepipe
