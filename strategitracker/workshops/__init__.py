"""Workshop mode: idea boards, dot voting, a projector view, minutes, and cards turned into the plan."""
