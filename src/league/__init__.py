"""The league's rules, below both training and inference: the bracket and seeding, the play-in,
the regular-season schedule, the one bracket walk (src/league/walk.py) that every series table,
the as-of bracket state and the simulators share, and the Monte Carlo of the playoffs."""
