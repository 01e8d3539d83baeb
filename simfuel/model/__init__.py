"""Maths floor: pure functions of numbers and numpy arrays (no simpy, no pandas).

* :mod:`.threat` - ambush probability, loss and capture draws;
* :mod:`.transit` - leg times and delay distributions;
* :mod:`.stocks` - days of cover, rationing, serving demand;
* :mod:`.schedule` - piecewise-constant schedules built from dated events.
"""
