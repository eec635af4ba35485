"""The stages of a turn, in the order a turn runs them; each takes and returns typed values:

- understanding (smartcabin.understanding): text -> Understanding
- decide: Understanding, in its conversation -> Decision (what to do: review intents, run
  confirmed actions, undo, a service, or answer at once)
- plan (smartcabin.planning, `plan_turn` here): intents -> Plan (actions and their writes)
- review: Plan -> Review (the one safety policy: allowed, refused, held for a yes)
- act: actions -> Applied (the writes made on the vehicle)
- compose: Review and Applied -> Done (outcome and reply parts)
- tier: a turn the edge hands off -> the LLM tier, acting through the same plan, review, act

Assistant (smartcabin.assistant) runs them in order and keeps the conversation's memory.
"""
