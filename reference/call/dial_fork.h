// The fork policy of one <Dial> as a pure state machine: which nouns start when (all at once, or
// one at a time with `sequential`), which leg wins, what is cancelled, and when the dial is over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sipref::call {

class DialFork {
 public:
  using LegId = std::uint64_t;

  // What the engine must do after an event, in this order: cancel, hang up, bridge, start the
  // nouns of the next step (then call step_started), finish.
  struct Next {
    std::vector<LegId> cancel;        // pending legs to CANCEL (a winner answered, or time ran out)
    std::vector<LegId> hang_up;       // late answers from losers: ACK was sent, now BYE
    LegId bridge = 0;                 // the first leg to answer: bridge it to the caller
    std::vector<std::size_t> start;   // nouns (indexes in document order) to dial now
    bool arm_timer = false;           // the step that just started has live legs: (re)arm timeout
    std::optional<LegId> finished;    // the dial failed; the leg whose outcome it reports (0: none)
  };

  DialFork(std::size_t noun_count, bool sequential);

  // The nouns of the first step: all of them, or only the first when sequential.
  std::vector<std::size_t> first_step();
  // A leg the engine created for the current step (before its INVITE is sent).
  void add_leg(LegId id);
  // Every noun of the step has been dialled: finishes (or moves on) if no leg is alive.
  Next step_started();

  Next answered(LegId id);  // a 2xx arrived on the leg (the first copy)
  Next failed(LegId id);    // the leg ended without answering (final non-2xx, timeout, no leg)
  Next timed_out();         // the step's timeout (+ buffer) expired

  LegId winner() const { return winner_; }
  bool over() const { return over_; }

 private:
  enum class LegState { pending, cancelling, answered, failed };
  struct ForkLeg {
    LegId id;
    LegState state;
  };
  bool step_alive() const;
  Next advance(LegId last_failed);

  std::size_t noun_count_;
  bool sequential_;
  std::size_t next_noun_ = 0;
  bool starting_ = false;  // between first_step()/advance() and step_started()
  std::vector<ForkLeg> legs_;       // every leg, in the order created
  std::size_t step_first_leg_ = 0;  // index in legs_ of the current step's first leg
  LegId last_failed_ = 0;
  LegId winner_ = 0;
  bool over_ = false;
};

}  // namespace sipref::call
