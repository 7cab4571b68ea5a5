#pragma once
// What the host does when a plugin crashes or hangs inside one of its callbacks.
//
// A plugin runs in our process, so a crash in it cannot be undone and a hung call cannot be
// cancelled. What the host can do is say which plugin it was, in one line, remove the run's
// temporary outputs and exit 5, instead of leaving a core dump, a hidden half-written master
// and a user guessing which of the graph's filters was at fault. Every call into a plugin is
// wrapped in a PluginCall:
//  - a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) on a thread that is inside a
//    PluginCall is reported as that plugin's crash; elsewhere it keeps its default action;
//  - a watchdog thread reports a call that has not returned within the call timeout.
// Signal dispositions are process-wide, so this is process-wide state (like the interrupt
// handler in the CLI); it is only set up once a plugin is actually called.

#include <cstdint>
#include <string>

namespace cinepipe {

// Marks the calling thread as inside `callback` ("create", "process", "destroy") of the plugin
// filter `label` for the object's lifetime. `label` must outlive the call. frame < 0: none.
class PluginCall {
  public:
    PluginCall(const std::string& label, const char* callback, std::int64_t frame);
    ~PluginCall();
    PluginCall(const PluginCall&) = delete;
    PluginCall& operator=(const PluginCall&) = delete;

  private:
    int slot_;      // -1: every slot busy, so this call goes unwatched
    int previous_;  // the slot of the call this one is inside, if any
};

}  // namespace cinepipe
